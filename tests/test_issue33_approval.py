"""Issue 33 through the command line: review comments, approvals bound to a version, their
signatures, and nothing published before approval.

Every test works on real files in a temporary folder, with the approver's key made in a
temporary configuration folder (``XDG_CONFIG_HOME``), never the user's own.
"""

from __future__ import annotations

import base64
import json
import shutil
import stat
from pathlib import Path

import pytest

from hrk_workbench.cli.program import main
from hrk_workbench.model.store import load_assessment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def config_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.delenv("HRK_LANG", raising=False)
    return home


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def copy_of(tmp_path: Path, name: str, target: str | None = None) -> Path:
    path = tmp_path / (target or f"{name}.hrk.json")
    shutil.copy(EXAMPLES / f"{name}.hrk.json", path)
    return path


def fresh_open(tmp_path: Path, capsys, name: str = "a") -> Path:
    """An assessment decided "open" and not yet approved (the bundled approval removed)."""
    path = copy_of(tmp_path, "city-bike-trips", f"{name}.hrk.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["approvals"] = []
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert run(capsys, "set", str(path), "decision.outcome=open")[0] == 0
    return path


# --- 1. review comments -----------------------------------------------------------------------

def test_comments_are_added_listed_resolved_and_warned_by_validate(tmp_path, capsys):
    path = fresh_open(tmp_path, capsys)
    code, out, _ = run(capsys, "review", str(path), "--on", "gates.G2", "--comment",
                       "Is the postcode really removed?", "--as", "Johan", "--role", "dpo")
    assert code == 0
    assert out.strip() == f"{path}: comment c1 on gates.G2 by Johan (data-protection expert)"
    code, out, _ = run(capsys, "review", str(path), "--on", "risks", "--comment",
                       "Which server?", "--as", "Mikko", "--role", "it")
    assert code == 0 and "comment c2 on risks" in out

    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0  # open comments are warnings, the file stays valid
    assert f"{path}: gates.G2: warning: open review comment c1 by Johan (data-protection " \
           "expert): Is the postcode really removed?" in out
    code, out, _ = run(capsys, "validate", str(path), "--json")
    codes = [(p["path"], p["code"], p["level"]) for p in json.loads(out)["problems"]]
    assert ("gates.G2", "comment_open", "warning") in codes
    assert ("risks", "comment_open", "warning") in codes

    code, out, _ = run(capsys, "review", str(path), "--resolve", "c1", "--resolution",
                       "Yes: the postcode column is dropped in the export.", "--as", "Aino")
    assert code == 0 and out.strip() == f"{path}: comment c1 resolved by Aino"
    saved = load_assessment(path)
    c1 = saved.comments[0]
    assert (c1.status, c1.resolved_by, c1.resolution) == (
        "resolved", "Aino", "Yes: the postcode column is dropped in the export.")
    assert c1.resolved_at is not None and saved.comments[1].status == "open"
    # comments are not answers: no change-log entry for them
    assert saved.change_log == load_assessment(path).change_log
    assert all("comments" not in c.path for e in saved.change_log for c in e.changes)

    code, out, _ = run(capsys, "review", str(path), "--list")
    lines = out.splitlines()
    assert lines[0].startswith("c1 [resolved] gates.G2 — Johan (data-protection expert)")
    assert lines[1].strip().startswith("resolved by Aino")
    assert lines[2].startswith("c2 [open] risks — Mikko (IT)")
    code, out, _ = run(capsys, "review", str(path), "--list", "--json", "--lang", "fi")
    listed = json.loads(out)["comments"]
    assert [(c["id"], c["status"], c["role"]) for c in listed] == [
        ("c1", "resolved", "dpo"), ("c2", "open", "it")]
    code, out, _ = run(capsys, "validate", str(path))
    assert "c1" not in out and "open review comment c2" in out


def test_bad_comments_are_refused_in_the_language_and_nothing_is_written(tmp_path, capsys):
    path = fresh_open(tmp_path, capsys)
    before = path.read_bytes()
    code, _, err = run(capsys, "review", str(path), "--on", "gates.G9", "--comment", "x",
                       "--as", "J", "--role", "dpo")
    assert code == 2 and "--on: no question G9 in gates" in err
    code, _, err = run(capsys, "review", str(path), "--on", "nowhere", "--comment", "x",
                       "--as", "J", "--role", "dpo", "--lang", "fi")
    assert code == 2 and "nowhere ei ole vastaus eikä vaihe" in err
    code, _, err = run(capsys, "review", str(path), "--on", "gates.G1", "--comment", "  ",
                       "--as", "J", "--role", "dpo")
    assert code == 2 and "--comment is empty" in err
    code, _, err = run(capsys, "review", str(path), "--on", "gates.G1", "--comment", "x",
                       "--as", "J")
    assert code == 2 and "--role is missing" in err
    code, _, err = run(capsys, "review", str(path), "--resolve", "c7", "--resolution", "ok",
                       "--as", "J", "--lang", "sv")
    assert code == 2 and "ingen kommentar c7" in err
    with pytest.raises(SystemExit) as info:  # argparse's refusal: one line, exit 2
        main(["review", str(path), "--on", "gates.G1", "--comment", "x", "--as", "J",
              "--role", "boss"])
    assert info.value.code == 2 and "invalid choice: 'boss'" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert "Traceback" not in err


# --- 2. approval bound to a version ----------------------------------------------------------

def test_approve_then_a_change_voids_it_and_verify_names_what_changed(tmp_path, capsys,
                                                                      config_home):
    path = fresh_open(tmp_path, capsys)
    code, out, _ = run(capsys, "verify", str(path))
    assert code == 0 and out.strip() == f"{path}: no approvals: nothing to verify"
    run(capsys, "review", str(path), "--on", "gates.G2", "--comment", "Check G2", "--as", "J",
        "--role", "dpo")
    code, out, err = run(capsys, "approve", str(path), "--as", "Liisa Mäkelä", "--role",
                         "decider")
    assert code == 0
    assert "created your approval key" in err  # first use: the key is made
    assert f"{path}: approved by Liisa Mäkelä as decider" in out
    assert f"{path}: approved with 1 open comment(s): c1" in out
    approval = load_assessment(path).approvals[0]
    assert approval.open_comments == ["c1"] and approval.role == "decider"
    assert len(approval.digest) == 64 and approval.key_fingerprint.startswith("SHA256:")
    code, out, _ = run(capsys, "verify", str(path))
    assert code == 0 and out.strip().endswith(": valid")

    # a comment or its resolution changes nothing approved
    run(capsys, "review", str(path), "--resolve", "c1", "--resolution", "fine", "--as", "J")
    assert run(capsys, "verify", str(path))[0] == 0

    assert run(capsys, "set", str(path), "risks.R2.likelihood=4",
               "decision.outcome=limited_access")[0] == 0
    code, out, err = run(capsys, "verify", str(path))
    assert code == 1
    assert "void: changed after approval: decision.outcome open → limited_access, " \
           "risks.R2.likelihood 1 → 4" in err
    code, out, _ = run(capsys, "verify", str(path), "--json")
    result = json.loads(out)
    assert code == 1 and result["valid"] is False
    assert result["approvals"][0]["status"] == "void"
    assert {c["path"] for c in result["approvals"][0]["changes"]} == {
        "decision.outcome", "risks.R2.likelihood"}
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0 and "approvals[0]: warning: the approval by Liisa Mäkelä (decider) is " \
                         "void: 2 answer(s) changed after approval" in out
    # changing it back restores the approved version: the approval stands again
    run(capsys, "set", str(path), "risks.R2.likelihood=1", "decision.outcome=open")
    assert run(capsys, "verify", str(path))[0] == 0


def test_the_digest_leaves_out_the_log_comments_and_approvals_but_not_lab_results(
        tmp_path, capsys):
    from hrk_workbench.review.canonical import canonical_content, digest

    a = load_assessment(EXAMPLES / "health-research.hrk.json")
    content = canonical_content(a)
    assert {"change_log", "comments", "approvals", "created", "schema_version"} \
        .isdisjoint(content)
    assert content["id"] == a.id and content["risk_lab"]["k"] == 2
    before = digest(content)
    a.change_log = []
    assert digest(canonical_content(a)) == before
    assert a.risk_lab is not None
    a.risk_lab.k = 3
    assert digest(canonical_content(a)) != before


# --- 3. tamper-evident -------------------------------------------------------------------------

def approved_pair(tmp_path: Path, capsys) -> tuple[Path, Path]:
    first, second = fresh_open(tmp_path, capsys, "first"), fresh_open(tmp_path, capsys, "b")
    data = json.loads(second.read_text(encoding="utf-8"))
    data["id"] = "0b6c1f0e-5d7a-4a53-9a53-1c0d2b7e9999"
    second.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for p in (first, second):
        assert run(capsys, "approve", str(p), "--as", "Liisa", "--role", "decider")[0] == 0
    return first, second


def edit(path: Path, fn) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def test_an_approval_edited_by_hand_fails_verification(tmp_path, capsys):
    first, _ = approved_pair(tmp_path, capsys)
    original = first.read_bytes()

    edit(first, lambda d: d["approvals"][0].update(role="dpo"))
    code, _, err = run(capsys, "verify", str(first))
    assert code == 1 and "edited by hand: the signature does not verify" in err

    first.write_bytes(original)
    edit(first, lambda d: d["approvals"][0].update(by="Someone Else"))
    assert run(capsys, "verify", str(first))[0] == 1

    first.write_bytes(original)  # the approved content changed to match a changed answer
    def both(d: dict) -> None:
        d["risks"]["R2"]["likelihood"] = 4
        d["approvals"][0]["content"]["risks"]["R2"]["likelihood"] = 4
    edit(first, both)
    code, _, err = run(capsys, "verify", str(first), "--lang", "fi")
    assert code == 1 and "muokattu käsin: hyväksytty sisältö ei enää vastaa tiivistettään" in err

    first.write_bytes(original)  # a digest recomputed for the new content: the signature fails
    def redigest(d: dict) -> None:
        from hrk_workbench.review.canonical import digest

        d["risks"]["R2"]["likelihood"] = 4
        d["approvals"][0]["content"]["risks"]["R2"]["likelihood"] = 4
        d["approvals"][0]["digest"] = digest(d["approvals"][0]["content"])
    edit(first, redigest)
    code, _, err = run(capsys, "verify", str(first))
    assert code == 1 and "the signature does not verify" in err

    first.write_bytes(original)
    edit(first, lambda d: d["approvals"][0].update(key_fingerprint="SHA256:" + "A" * 43))
    code, _, err = run(capsys, "verify", str(first))
    assert code == 1 and "the key fingerprint is not that of the key" in err
    code, out, err = run(capsys, "validate", str(first))
    assert code == 0 and "was edited by hand" in out and "Traceback" not in err


def test_a_signature_swapped_or_an_approval_copied_between_files_fails(tmp_path, capsys):
    first, second = approved_pair(tmp_path, capsys)
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (first, second))
    edit(first, lambda d: d["approvals"][0].update(signature=b["approvals"][0]["signature"]))
    code, _, err = run(capsys, "verify", str(first))
    assert code == 1 and "the signature does not verify" in err

    edit(second, lambda d: d.update(approvals=a["approvals"]))  # the whole approval copied
    code, _, err = run(capsys, "verify", str(second))
    assert code == 1
    assert f"not an approval of this assessment: it approved assessment {a['id']}" in err


def test_the_key_is_private_made_once_and_never_in_the_assessment(tmp_path, capsys,
                                                                 config_home):
    first, second = approved_pair(tmp_path, capsys)
    keyfile = config_home / "hrk-workbench" / "keys" / "approval-ed25519.pem"
    assert stat.S_IMODE(keyfile.stat().st_mode) == 0o600
    pem = keyfile.read_text(encoding="ascii")
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    body = "".join(pem.strip().splitlines()[1:-1])
    for p in (first, second):
        text = p.read_text(encoding="utf-8")
        assert body not in text and "PRIVATE KEY" not in text
    fps = {load_assessment(p).approvals[0].key_fingerprint for p in (first, second)}
    assert len(fps) == 1  # one key, made on first use and kept


def test_a_passphrase_protected_key_is_not_used_without_a_terminal(tmp_path, capsys,
                                                                  config_home):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hrk_workbench.review.signing import _write_private, key_path

    _write_private(key_path(), Ed25519PrivateKey.generate(), "correct horse")
    assert "ENCRYPTED" in key_path().read_text()
    path = fresh_open(tmp_path, capsys)
    before = path.read_bytes()
    code, _, err = run(capsys, "approve", str(path), "--as", "L", "--role", "decider")
    assert code == 2 and "protected by a passphrase, which is asked only on a terminal" in err
    assert path.read_bytes() == before


def test_trusted_keys_list(tmp_path, capsys):
    first, _ = approved_pair(tmp_path, capsys)
    approval = load_assessment(first).approvals[0]
    listed = tmp_path / "trusted.txt"
    listed.write_text(f"# the decider's key\n{approval.key_fingerprint}\n", encoding="utf-8")
    assert run(capsys, "verify", str(first), "--trusted-keys", str(listed))[0] == 0
    listed.write_text(approval.public_key + "\n", encoding="utf-8")
    assert run(capsys, "verify", str(first), "--trusted-keys", str(listed))[0] == 0
    other = base64.b64encode(bytes(32)).decode()
    listed.write_text(other + "\n", encoding="utf-8")
    code, _, err = run(capsys, "verify", str(first), "--trusted-keys", str(listed))
    assert code == 1 and "the key is not on the trusted-keys list" in err
    listed.write_text("SHA256:abc\nnot a key\n", encoding="utf-8")
    code, _, err = run(capsys, "verify", str(first), "--trusted-keys", str(listed))
    assert code == 2 and f"{listed}: line 1: not a key fingerprint or public key" in err
    assert f"{listed}: line 2:" in err


def test_a_changed_data_file_voids_the_approval(tmp_path, capsys):
    """The risk lab's data file recorded with its SHA-256: changed after approval, verify
    says which file, as reassess does."""
    data = tmp_path / "people.csv"
    data.write_text("age,sex\n" + "".join(f"{20 + i % 5},{'FM'[i % 2]}\n" for i in range(60)),
                    encoding="utf-8")
    path = fresh_open(tmp_path, capsys)
    code, _, err = run(capsys, "risk", str(data), "--key", "age,sex", "--save", str(path))
    assert code == 0, err
    assert load_assessment(path).risk_lab.source is not None
    assert run(capsys, "approve", str(path), "--as", "L", "--role", "decider")[0] == 0
    assert run(capsys, "verify", str(path))[0] == 0
    with data.open("a", encoding="utf-8") as f:
        f.write("99,F\n")
    code, _, err = run(capsys, "verify", str(path))
    assert code == 1
    assert "void: data file changed after approval: risk_lab.source (people.csv)" in err


# --- 4. nothing published before approval -------------------------------------------------------

def test_the_bundled_open_examples_carry_valid_example_approvals(capsys):
    for name in ("city-bike-trips", "air-quality", "meeting-rooms"):
        code, out, _ = run(capsys, "verify", str(EXAMPLES / f"{name}.hrk.json"))
        assert code == 0 and "(example key)" in out and out.strip().endswith("valid"), name
        approval = load_assessment(EXAMPLES / f"{name}.hrk.json").approvals[0]
        assert approval.example_key and approval.role == "decider"


def test_ckan_and_public_dcat_need_a_valid_decider_approval(tmp_path, capsys):
    path = copy_of(tmp_path, "city-bike-trips", "cb.hrk.json")
    pkg = tmp_path / "cb.json"
    assert run(capsys, "metadata", str(path), "-o", str(pkg))[0] == 0  # approved example
    assert "state" not in json.loads(pkg.read_text(encoding="utf-8"))
    pkg.unlink()

    run(capsys, "set", str(path), "benefits.B3.value=3")
    code, _, err = run(capsys, "metadata", str(path), "-o", str(pkg))
    assert code == 2 and not pkg.exists()
    assert "the decider’s approval no longer stands" in err
    assert "benefits.B3.value 2 → 3" in err and "nothing written" in err
    ttl = tmp_path / "cb.ttl"
    code, _, err = run(capsys, "metadata", str(path), "-o", str(ttl), "--lang", "sv")
    assert code == 2 and not ttl.exists() and "inget skrevs" in err

    code, out, _ = run(capsys, "metadata", str(path), "-o", str(pkg), "--draft")
    assert code == 0 and "written as a DRAFT" in out
    package = json.loads(pkg.read_text(encoding="utf-8"))
    assert package["state"] == "draft"
    assert any(e["key"] == "review_status" and "LUONNOS" in e["value"]
               for e in package["extras"])
    code, out, _ = run(capsys, "metadata", str(path), "-o", str(ttl), "--draft", "--validate")
    assert code == 0 and "conforms" in out  # the draft mark keeps the record valid DCAT-AP
    assert "adms:versionNotes" in ttl.read_text(encoding="utf-8")

    # a dpo approval is not the decider's
    assert run(capsys, "approve", str(path), "--as", "Johan", "--role", "dpo")[0] == 0
    code, _, err = run(capsys, "metadata", str(path), "-o", str(pkg.with_name("x.json")))
    assert code == 2 and not pkg.with_name("x.json").exists()
    assert run(capsys, "approve", str(path), "--as", "Liisa", "--role", "decider")[0] == 0
    ttl.unlink()
    code, out, _ = run(capsys, "metadata", str(path), "-o", str(ttl))
    assert code == 0 and "versionNotes" not in ttl.read_text(encoding="utf-8")


def test_no_decision_or_a_closed_one(tmp_path, capsys):
    # an open recommendation with no decision: the public record waits for a decision
    path = copy_of(tmp_path, "air-quality", "air.hrk.json")
    run(capsys, "set", str(path), "decision.outcome=")
    out = tmp_path / "air.ttl"
    code, _, err = run(capsys, "metadata", str(path), "-o", str(out), "--lang", "fi")
    assert code == 2 and not out.exists()
    assert "päätöstä avaamisesta ei ole kirjattu" in err
    # limited access publishes nothing public: no approval needed for its record
    health = copy_of(tmp_path, "health-research")
    code, _, err = run(capsys, "metadata", str(health), "-o", str(tmp_path / "h.ttl"))
    assert code == 0, err
    # a decision open, not approved yet
    run(capsys, "set", str(path), "decision.outcome=open")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["approvals"] = []
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run(capsys, "metadata", str(path), "-o", str(out))
    assert code == 2 and "has no decider’s approval" in err and not out.exists()


# --- the memo -----------------------------------------------------------------------------------

def test_the_memo_lists_comments_and_each_approval_with_status_and_key(tmp_path, capsys):
    path = copy_of(tmp_path, "city-bike-trips", "cb.hrk.json")
    run(capsys, "review", str(path), "--on", "risks.R2.likelihood", "--comment", "Too low?",
        "--as", "Johan", "--role", "dpo")
    run(capsys, "review", str(path), "--on", "gates.G2", "--comment", "Postcode?", "--as",
        "Mikko", "--role", "it")
    run(capsys, "review", str(path), "--resolve", "c2", "--resolution", "Dropped.", "--as",
        "Aino")
    fingerprint = load_assessment(path).approvals[0].key_fingerprint
    memo = tmp_path / "memo.md"
    assert run(capsys, "report", str(path), "-o", str(memo))[0] == 0
    text = memo.read_text(encoding="utf-8")
    section = text[text.index("## Review and approvals"):text.index("## Sign-off")]
    assert "| c1 | R2 “" in section and "(likelihood)" in section  # question text, no path
    assert "risks.R2" not in section
    assert "Johan (data-protection expert)" in section and "| open |" in section
    assert "resolved by Aino: Dropped." in section
    assert f": {fingerprint} (example key)" in section and "| valid |" in section

    run(capsys, "set", str(path), "risks.R2.likelihood=3")
    assert run(capsys, "report", str(path), "-o", str(memo), "--lang", "sv")[0] == 0
    text = memo.read_text(encoding="utf-8")
    section = text[text.index("## Granskning och godkännanden"):]
    assert "ogiltigt: ändrat efter godkännandet: R2 “" in section and "1 → 3" in section
    html = tmp_path / "memo.html"
    assert run(capsys, "report", str(path), "-o", str(html))[0] == 0
    assert "void: changed after approval" in html.read_text(encoding="utf-8")


# --- verify and reassess catch each change after approval --------------------------------------

def _measured(tmp_path: Path, capsys, name: str) -> tuple[Path, Path]:
    data = tmp_path / f"{name}.csv"  # 15 records in each class: safe at the threshold 10
    data.write_text("age,sex\n" + "".join(f"{20 + i % 5},{'FM'[i % 2]}\n" for i in range(150)),
                    encoding="utf-8")
    path = fresh_open(tmp_path, capsys, name)
    assert run(capsys, "risk", str(data), "--key", "age,sex", "--save", str(path))[0] == 0
    assert run(capsys, "approve", str(path), "--as", "Liisa", "--role", "decider")[0] == 0
    return path, data


@pytest.mark.parametrize("change", ["answer", "hand_edit", "swap", "data"])
def test_verify_and_reassess_catch_each_change_after_approval(tmp_path, capsys, change):
    path, data = _measured(tmp_path, capsys, "one")
    other, _ = _measured(tmp_path, capsys, "two")
    assert run(capsys, "verify", str(path))[0] == 0
    code, _, err = run(capsys, "reassess", str(path))
    assert code == 0, err
    if change == "answer":
        run(capsys, "set", str(path), "risks.R2.likelihood=4")
        expected = "void: changed after approval: risks.R2.likelihood 1 → 4"
    elif change == "hand_edit":
        edit(path, lambda d: d["approvals"][0].update(at="2026-01-01T00:00:00Z"))
        expected = "edited by hand: the signature does not verify"
    elif change == "swap":
        theirs = json.loads(other.read_text(encoding="utf-8"))["approvals"][0]["signature"]
        edit(path, lambda d: d["approvals"][0].update(signature=theirs))
        expected = "edited by hand: the signature does not verify"
    else:
        with data.open("a", encoding="utf-8") as f:
            f.write("21,F\n")
        expected = "void: data file changed after approval: risk_lab.source (one.csv)"
    code, _, err = run(capsys, "verify", str(path))
    assert code == 1 and expected in err
    code, _, err = run(capsys, "reassess", str(path))
    assert code == 1 and expected in err


def test_an_approval_of_an_earlier_version_is_superseded_by_a_new_one(tmp_path, capsys):
    path = fresh_open(tmp_path, capsys)
    assert run(capsys, "approve", str(path), "--as", "Liisa", "--role", "decider")[0] == 0
    run(capsys, "set", str(path), "benefits.B3.value=3")
    assert run(capsys, "verify", str(path))[0] == 1
    assert run(capsys, "approve", str(path), "--as", "Liisa", "--role", "decider")[0] == 0
    code, out, _ = run(capsys, "verify", str(path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith("superseded: a later approval in the same role approves the "
                             "current version") and lines[1].endswith(": valid")
    # still tamper-evident: the earlier approval edited by hand fails
    edit(path, lambda d: d["approvals"][0].update(by="Someone"))
    code, _, err = run(capsys, "verify", str(path))
    assert code == 1 and "approval 1 by Someone" in err and "signature does not verify" in err


@pytest.mark.parametrize(("field", "value"), [
    ("role", "admin"), ("digest", "not a digest"), ("signature", None), ("public_key", "x"),
    ("by", "")])
def test_any_hand_edit_of_an_approval_is_caught_not_refused(tmp_path, capsys, field, value):
    path = fresh_open(tmp_path, capsys)
    assert run(capsys, "approve", str(path), "--as", "Liisa", "--role", "decider")[0] == 0

    def change(d: dict) -> None:
        if value is None:
            del d["approvals"][0][field]
        else:
            d["approvals"][0][field] = value
    edit(path, change)
    code, _, err = run(capsys, "verify", str(path))
    assert code == 1 and "edited by hand" in err and "Traceback" not in err
    pkg = tmp_path / "p.json"
    code, _, err = run(capsys, "metadata", str(path), "-o", str(pkg))
    assert code == 2 and not pkg.exists()


def _on_a_terminal(argv: list[str], answers: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as its controlling terminal, typing ``answers``
    at each passphrase prompt; (exit status, everything the terminal showed)."""
    import os
    import pty
    import select
    import sys
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal is its own
        os.execve(sys.executable, [sys.executable, "-m", "hrk_workbench.cli", *argv],
                  {**os.environ, **env})
    shown, pending, deadline = b"", list(answers), time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
            if pending and shown.rstrip().endswith(b":"):
                time.sleep(0.3)  # as a person types: after the prompt has turned echo off
                os.write(fd, pending.pop(0).encode() + b"\n")
        else:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status), shown.decode("utf-8", "replace")
    else:  # still waiting for input after the deadline: end it, so the test fails, not hangs
        import signal

        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown.decode("utf-8", "replace")


def test_a_passphrase_is_asked_on_a_terminal_and_never_written(tmp_path, capsys,
                                                               config_home):
    path = fresh_open(tmp_path, capsys)
    secret = "kalevala-1849-passphrase"
    env = {"XDG_CONFIG_HOME": str(config_home)}
    code, shown = _on_a_terminal(["approve", str(path), "--as", "Liisa", "--role",
                                  "decider"], [secret, secret], env)
    assert code == 0, shown
    assert "Passphrase for your new approval key" in shown and secret not in shown
    keyfile = config_home / "hrk-workbench" / "keys" / "approval-ed25519.pem"
    assert "ENCRYPTED" in keyfile.read_text(encoding="ascii")
    assert secret not in path.read_text(encoding="utf-8")
    assert run(capsys, "verify", str(path))[0] == 0
    # the same key opens with its passphrase on a terminal; a wrong one is refused
    code, shown = _on_a_terminal(["approve", str(path), "--as", "Liisa", "--role", "dpo"],
                                 ["wrong"], env)
    assert code == 2 and "wrong passphrase" in shown
    code, shown = _on_a_terminal(["approve", str(path), "--as", "Liisa", "--role", "dpo"],
                                 [secret], env)
    assert code == 0, shown
    assert len(load_assessment(path).approvals) == 2
    assert secret not in path.read_text(encoding="utf-8")
