"""The decision memo's content, built once: every section, table, figure and text, in one language.

The PDF, HTML, Markdown and Word renderers (and the GUI preview) only lay this object out.
None of them scores, chooses a text or formats a number: that happens here, from the rules'
results (:func:`~.decision.summary.summarise`, :func:`hrk_workbench.overview.advice.advise`) and the
message catalogues, so the four outputs cannot disagree and a test can check one object.

Everything is a frozen dataclass of strings and tuples: cheap to build, easy to compare, and
safe to hand to a template (the renderers escape it for their medium).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import ClassVar

from hrk_workbench import __version__
from hrk_workbench.decision.summary import HrkSummary, summarise
from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.i18n import (
    format_day,
    format_eur,
    format_moment,
    format_number,
    label,
    local_time,
    render,
    render_all,
)
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.overview.advice import Advice, advise
from hrk_workbench.scoring.completeness import check_completeness
from hrk_workbench.scoring.levels import level_for

# Reasons that say which answers are still needed: shown in their own list, not as "why".
MISSING_CODES = ("missing_answer", "missing_benefits", "missing_risks", "contradiction")
# Risk reasons the register table already shows row by row.
RISK_ROW_CODES = ("risk_scored", "risk_residual")
# "open with conditions": the decision's outcome id and the recommendation's
CONDITIONAL_DECISIONS = frozenset({"open_with_conditions"})
CONDITIONAL_RECOMMENDATIONS = frozenset({"open_after_mitigation"})


# --- the content model ----------------------------------------------------------------------

@dataclass(frozen=True)
class Paragraph:
    """A paragraph of running text; ``style`` is ``body``, ``strong`` or ``note``."""

    kind: ClassVar[str] = "paragraph"
    text: str
    style: str = "body"


@dataclass(frozen=True)
class Bullets:
    """A list of sentences (reasons, conditions, actions), with an optional heading."""

    kind: ClassVar[str] = "bullets"
    items: tuple[str, ...]
    title: str = ""


@dataclass(frozen=True)
class Fields:
    """Label–value pairs, such as the title block or the key figures."""

    kind: ClassVar[str] = "fields"
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table with one header row (repeated on every page), body rows and total rows.

    ``widths`` (relative column widths), ``numeric`` (columns to right-align) and
    ``min_row_height`` are layout hints only; every cell is already final text.
    """

    kind: ClassVar[str] = "table"
    key: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    numeric: tuple[int, ...] = ()
    totals: tuple[tuple[str, ...], ...] = ()
    min_row_height: float = 0.0  # points; room to sign in the sign-off table


@dataclass(frozen=True)
class Box:
    """A framed block: the decision (``decision``) or the plain draft warning (``draft``)."""

    kind: ClassVar[str] = "box"
    style: str
    title: str
    fields: tuple[tuple[str, str], ...] = ()
    text: str = ""


@dataclass(frozen=True)
class MatrixPanel:
    """One 5x5 grid: the risk ids in each (likelihood, impact) cell."""

    title: str
    cells: dict[tuple[int, int], tuple[str, ...]]


@dataclass(frozen=True)
class RiskMatrix:
    """The likelihood × impact matrix, before and after mitigation, as data.

    ``levels`` gives each cell's level id (``low`` … ``critical``) from the form's bands, so
    a renderer only maps a level to a colour; ``legend`` pairs each level with its label.
    """

    kind: ClassVar[str] = "figure"
    caption: str
    likelihood_label: str
    impact_label: str
    likelihoods: tuple[int, ...]
    impacts: tuple[int, ...]
    levels: dict[tuple[int, int], str]
    legend: tuple[tuple[str, str], ...]
    panels: tuple[MatrixPanel, ...]
    empty_text: str = ""
    alt: str = ""  # the figure in words, for a screen reader (the PDF's /Alt, HTML's title)

    def text_rows(self, panel: MatrixPanel) -> list[list[str]]:
        """The panel as rows of cell texts, highest likelihood first (for text renderings)."""
        return [[", ".join(panel.cells.get((lk, im), ())) for im in self.impacts]
                for lk in reversed(self.likelihoods)]


Block = Paragraph | Bullets | Fields | Table | Box | RiskMatrix


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Memo:
    """The whole memo in one language: what every renderer lays out."""

    lang: str
    title: str  # the document's title: "Decision memo: …"
    dataset_title: str
    subject: str
    author: str
    running_header: str
    page_template: str  # "Page {page} of {pages}"
    footer: str
    title_block: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    # the figures every rendering must carry (tests compare them across formats)
    recommendation: str = ""
    risk_ids: tuple[str, ...] = ()
    cost_totals: tuple[str, ...] = ()
    attribution: str = ""
    keywords: tuple[str, ...] = field(default_factory=tuple)
    # ISO 8601 moments from the assessment, never the time of rendering: when it was
    # created and last saved (the PDF's creation and modification dates)
    created: str = ""
    modified: str = ""

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)






# --- building -------------------------------------------------------------------------------

class _Builder:
    """Holds the assessment, results and language while the sections are built."""

    def __init__(self, assessment: Assessment, forms: Forms, lang: str,
                 summary: HrkSummary, advice: Advice) -> None:
        self.a, self.forms, self.lang = assessment, forms, lang
        self.s, self.adv = summary, advice
        self.none = self.t("memo_none")

    # small helpers
    def t(self, key: str, **values: object) -> str:
        text = label(key, self.lang, self.forms)
        return text.format(**values) if values else text

    def r(self, reasons: Iterable[Reason]) -> tuple[str, ...]:
        """Reasons as sentences, an answer path they name given as the app names it: the
        memo is read and signed by people who never type ``dataset.personal_data``."""
        return tuple(render_all((replace(r, params={**r.params, "path": self.path_words(p)})
                                 if isinstance(p := r.params.get("path"), str) else r
                                 for r in reasons), self.lang, self.forms))

    def path_words(self, path: str) -> str:
        """``gates.G1`` as "G1", ``benefits`` as "Benefits" and ``dataset.personal_data`` as
        'Dataset, "Contains personal data"': the step and field names of the app."""
        parts = path.replace("[", ".[").split(".")
        section = parts[0]
        step = self.t(f"gui_step_{section}")
        if step == f"gui_step_{section}":  # not a step of the app: leave the path
            return path
        if len(parts) == 1:
            return step
        if section in _BY_QUESTION:
            return parts[1]
        name = self.t(f"gui_ds_{parts[1]}") if section == "dataset" else ""
        if not name or name.startswith("gui_ds_") or "{" in name:
            return path
        return self.t("memo_path_field", step=step, field=name.replace("&", ""))

    def q(self, qid: str) -> str:
        return self.forms.question_text(qid, self.lang)

    def text(self, value: dict[str, str]) -> str:
        """A text given in several languages: this language, else English, else any."""
        return value.get(self.lang) or value.get("en") or next(iter(value.values()), "")

    def eur(self, value: float) -> str:
        return format_eur(value, self.lang)

    def num(self, value: float) -> str:
        return format_number(value, self.lang)

    def or_none(self, value: str) -> str:
        return value.strip() or self.none

    def vocab(self, entries: Sequence, code: str | None) -> str:
        entry = next((e for e in entries if e.id == code), None)
        return self.text(entry.text) if entry else (code or self.none)

    # the memo
    def memo(self) -> Memo:
        a, s = self.a, self.s
        title = a.title(self.lang) or self.t("memo_untitled")
        attribution = (render(self.adv.licence.attribution, self.lang, self.forms)
                       if self.adv.licence.attribution else "")
        sections = (self.decision(), self.summary(), self.benefits(), self.risks(),
                    self.costs(), self.anonymisation(), self.channel(), self.quality(),
                    self.licence(attribution), self.residual(), self.participants(),
                    self.history(), self.review(), self.signoff(), self.appeal(),
                    self.record())
        return Memo(
            lang=self.lang,
            title=self.t("memo_title"),
            dataset_title=title,
            subject=self.t("memo_subject", title=title),
            author=", ".join(self.assessor_names()) or a.dataset.publisher or "HRK Workbench",
            running_header=self.t("memo_running_header", title=title),
            page_template=self.t("memo_page", page="{page}", pages="{pages}"),
            footer=self.t("memo_produced", version=__version__, id=a.id),
            title_block=self.title_block(title),
            sections=tuple(sec for sec in sections if sec is not None),
            recommendation=label(s.recommendation.outcome, self.lang, self.forms),
            risk_ids=tuple(r.id for r in s.risks.scores),
            cost_totals=(self.eur(s.costs.one_off_eur), self.eur(s.costs.yearly_eur),
                         self.eur(s.costs.total_eur)),
            attribution=attribution,
            keywords=tuple(a.dataset.keywords.get(self.lang, ())),
            created=local_time(a.created).isoformat(),
            modified=local_time(a.change_log[-1].at if a.change_log else a.created).isoformat(),
        )

    def assessors(self) -> list:
        """The people who assessed, from the assessment itself: the data stewards, else
        every participant named. Never the change log's ``by``, which is the login of
        whoever saved the file (a shared account, a build script), not a responsible person.
        """
        named = [p for p in self.a.participants if p.name.strip()]
        return [p for p in named if "data_steward" in p.roles] or named

    def assessor_names(self) -> list[str]:
        """The assessors' names (the PDF's and Word file's author); without participants,
        whoever recorded the decision."""
        names = [p.name.strip() for p in self.assessors()]
        if not names and self.a.decision.decided_by.strip():
            names = [self.a.decision.decided_by.strip()]
        return names

    def assessor(self) -> str:
        """The assessors with their roles, as the title block shows them."""
        roles = self.forms.vocab.roles
        people = [self.t("memo_person_roles", name=p.name.strip(), roles=", ".join(
            self.vocab(roles, r) for r in p.roles)) if p.roles else p.name.strip()
            for p in self.assessors()]
        # nobody named: say so in words (a dash reads as "nothing to say" to a signer)
        return "; ".join(people or self.assessor_names()) or self.t("memo_assessor_none")

    def memo_date(self) -> date:
        """The memo's date from the assessment, never today's: the decision's day, else
        the last save, else the day the assessment was created (same file, same memo)."""
        if self.a.decision.date:
            return self.a.decision.date
        log = self.a.change_log
        return local_time(log[-1].at if log else self.a.created).date()

    def title_block(self, title: str) -> tuple[tuple[str, str], ...]:
        a = self.a
        log = a.change_log
        version = (self.t("memo_version_value", version=len(log),
                          date=format_day(log[-1].at, self.lang))
                   if log else self.t("memo_version_unsaved"))
        d = a.decision
        filing = tuple((self.t(key), value.strip()) for key, value in (
            ("memo_record_number", d.record_number), ("memo_section_number", d.section_number))
            if value.strip())  # what the registry files it under, only when given
        return ((self.t("memo_dataset"), title),
                (self.t("memo_organisation"), self.or_none(a.dataset.publisher)),
                *filing,
                (self.t("memo_date"), format_day(self.memo_date(), self.lang)),
                (self.t("memo_assessor"), self.assessor()),
                (self.t("memo_created"), format_day(a.created, self.lang)),
                (self.t("memo_version"), version),
                (self.t("memo_assessment_id"), a.id))

    def decision(self) -> Section:
        d = self.a.decision
        if d.outcome is None:
            box = Box("draft", self.t("memo_draft"), text=self.t("memo_draft_text"))
        else:
            fields = [(self.t("memo_outcome"), self.vocab(self.forms.vocab.decision_outcomes,
                                                          d.outcome)),
                      (self.t("memo_decided_by"), self.or_none(self.decider())),
                      (self.t("memo_decision_date"),
                       format_day(d.date, self.lang) if d.date else self.none)]
            fields += [(self.t(key), value.strip()) for key, value in (
                ("memo_presenter", d.presenter), ("memo_legal_basis", d.legal_basis))
                if value.strip()]
            if d.comment.strip():
                fields.append((self.t("memo_decision_note"), d.comment.strip()))
            box = Box("decision", "", fields=tuple(fields))
        blocks: list[Block] = [box]
        departure = self.departure()
        if departure is not None:
            # more open than the recommendation: a draft until justified, then the departure
            # and its justification beside the decision box (HRK-METHOD rev. 3)
            blocks = [departure] if departure.style == "draft" else [box, departure]
        conditions = self.decision_conditions()
        if conditions:
            blocks.append(Bullets(conditions, self.t("memo_decision_conditions")))
        if not self.appeal_text():
            blocks.append(Paragraph(self.annex_text(), "note"))
        return Section("decision", self.t("memo_decision"), tuple(blocks))

    def decider(self) -> str:
        """The decision-maker as the minutes name them: "Name, title" (either alone)."""
        d = self.a.decision
        return ", ".join(part.strip() for part in (d.decided_by, d.decider_title)
                         if part.strip())

    def appeal_text(self) -> str:
        """The organisation's appeal instructions in the memo's language (``forms/``)."""
        from hrk_workbench.reporting.organisation import organisation_texts

        return organisation_texts(self.forms).appeal(self.lang)

    def annex_text(self) -> str:
        """Without appeal instructions the memo is an annex to the decision, whose own
        appeal instructions apply; it names the record and section when they are given."""
        d = self.a.decision
        ref = " ".join(p for p in (d.record_number.strip(), f"§ {d.section_number.strip()}"
                                   if d.section_number.strip() else "") if p)
        return (self.t("memo_annex_ref", ref=ref) if ref else self.t("memo_annex"))

    def appeal(self) -> Section | None:
        """The appeal instructions the organisation set, paragraph by paragraph."""
        text = self.appeal_text()
        if not text:
            return None
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        return Section("appeal", self.t("memo_appeal"),
                       tuple(Paragraph(p) for p in paragraphs))

    def departure(self) -> Box | None:
        """A decision more open than the recommendation: without a justification the decision
        box becomes a draft saying why; with one, a box naming the departure and the
        justification in the memo's language (else as written in another)."""
        from hrk_workbench.decision.departure import departs

        d, rec = self.a.decision, self.s.recommendation.outcome
        if not departs(d.outcome, rec):
            return None
        decided = self.vocab(self.forms.vocab.decision_outcomes, d.outcome)
        recommended = label(rec, self.lang, self.forms)
        why = self.text({k: v for k, v in d.justification.items() if v.strip()}).strip()
        if not why:
            fields = ((self.t("memo_outcome"), decided),
                      (self.t("memo_recommended"), recommended),
                      (self.t("memo_decided_by"), self.or_none(self.decider())),
                      (self.t("memo_decision_date"),
                       format_day(d.date, self.lang) if d.date else self.none))
            return Box("draft", self.t("memo_decision_unjustified"), fields=fields,
                       text=self.t("memo_decision_unjustified_text", decision=decided,
                                   recommendation=recommended))
        return Box("departure", self.t("memo_departure"), fields=(
            (self.t("memo_departure_from"), self.t("memo_departure_value", decision=decided,
                                                   recommendation=recommended)),
            (self.t("memo_justification"), why)))

    def conditional(self) -> bool:
        """Is the decision, or without one the recommendation, "open with conditions"?"""
        outcome = self.a.decision.outcome
        if outcome is not None:
            return outcome in CONDITIONAL_DECISIONS
        return self.s.recommendation.outcome in CONDITIONAL_RECOMMENDATIONS

    def decision_conditions(self) -> tuple[str, ...]:
        """What the opening waits for: the rule's conditions (in the memo's language) and
        the steward's own, as written. A conditional outcome never shows an empty list: if
        neither gives one, the memo says that the conditions are still to be written."""
        rec = self.s.recommendation
        items = list(self.r(rec.conditions)) if self.conditional() or rec.outcome in \
            CONDITIONAL_RECOMMENDATIONS else []
        own = self.a.decision.conditions.strip()
        if own:
            items.append(self.t("memo_conditions_own", text=own))
        if not items and self.conditional():
            items.append(self.t("memo_conditions_missing"))
        return tuple(items)

    def summary(self) -> Section:
        s, rec = self.s, self.s.recommendation
        figures = [
            (label("heading_benefit", self.lang, self.forms),
             self.t("memo_benefit_value", score=s.benefit.score,
                    level=label(s.benefit.level, self.lang, self.forms))),
            (label("heading_risk", self.lang, self.forms),
             label(s.risks.profile, self.lang, self.forms)),
            (label("heading_cost", self.lang, self.forms),
             self.t("memo_cost_value", amount=self.eur(s.costs.total_eur),
                    years=s.costs.horizon_years,
                    level=label(s.costs.level, self.lang, self.forms))),
        ]
        if s.hvd is not None:
            figures.append((label("heading_hvd", self.lang, self.forms),
                            self.vocab(self.forms.vocab.hvd_categories, s.hvd.category)))
        blocks: list[Block] = [
            Paragraph(f"{label('heading_recommendation', self.lang, self.forms)}: "
                      f"{label(rec.outcome, self.lang, self.forms)}", "strong"),
            Fields(tuple(figures)),
        ]
        why = [r for r in rec.reasons if r.code not in MISSING_CODES]
        # what is still to answer, whatever the outcome (a gate may decide before all is in)
        missing = list(check_completeness(self.a, self.forms).reasons)
        blocks.append(Bullets(self.r(why), label("heading_reasons", self.lang, self.forms)))
        if rec.conditions:
            blocks.append(Bullets(self.r(rec.conditions),
                                  label("heading_conditions", self.lang, self.forms)))
        if rec.notes:
            blocks.append(Bullets(self.r(rec.notes), label("heading_notes", self.lang,
                                                           self.forms)))
        if missing:
            if rec.outcome == "incomplete":
                blocks.append(Paragraph(self.t("memo_missing_text"), "note"))
            blocks.append(Bullets(self.r(missing),
                                  label("heading_missing", self.lang, self.forms)))
        return Section("summary", self.t("memo_summary"), tuple(blocks))

    def benefits(self) -> Section:
        section = self.forms.hrk.benefits
        rows = []
        for q in section.questions:
            ans = self.a.benefits.get(q.id)
            value = ans.value if ans else None
            rating = (self.t("memo_rating_value", value=value,
                             text=self.text(section.scale.labels[value]))
                      if value in section.scale.labels else self.t("memo_not_rated"))
            rows.append((q.id, self.text(q.text), self.num(q.weight), rating,
                         self.or_none(ans.comment if ans else "")))
        table = Table("benefits", (self.t("memo_col_id"), self.t("memo_col_benefit"),
                                   self.t("memo_col_weight"), self.t("memo_col_rating"),
                                   self.t("memo_col_reasoning")),
                      tuple(rows), (1.2, 4.4, 1.2, 2.0, 3.0), numeric=(2,))
        return Section("benefits", self.t("memo_benefits"),
                       (table, Bullets(self.r(self.s.benefit.reasons))))

    def risks(self) -> Section:
        res = self.s.risks
        answers = self.a.risks
        rows = []
        for r in res.scores:
            ans = answers[r.id]
            before = self.t("memo_score_value", likelihood=r.likelihood, impact=r.impact,
                            score=r.score, level=label(r.level, self.lang, self.forms))
            after = (self.t("memo_score_value", likelihood=ans.residual_likelihood,
                            impact=ans.residual_impact, score=r.residual_score,
                            level=label(r.residual_level, self.lang, self.forms))
                     if r.residual_given else self.t("memo_residual_same"))
            measure = "; ".join(x for x in (ans.mitigation.strip(), ans.comment.strip()) if x)
            rows.append((r.id, self.q(r.id), before, after, self.or_none(ans.owner),
                         self.or_none(measure)))
        table = Table("risks", (self.t("memo_col_id"), self.t("memo_col_risk"),
                                self.t("memo_col_before"), self.t("memo_col_after"),
                                self.t("memo_col_owner"), self.t("memo_col_measure")),
                      tuple(rows), (1.2, 2.6, 2.3, 2.3, 1.8, 2.8))
        others = [r for r in res.reasons if r.code not in RISK_ROW_CODES]
        return Section("risks", self.t("memo_risks"),
                       (table, self.matrix(), Bullets(self.r(others))))

    def matrix(self) -> RiskMatrix:
        form = self.forms.hrk.risks
        lks = tuple(range(form.likelihood.min, form.likelihood.max + 1))
        ims = tuple(range(form.impact.min, form.impact.max + 1))
        levels = {(lk, im): level_for(lk * im, form.levels).level for lk in lks for im in ims}
        before: dict[tuple[int, int], list[str]] = {}
        after: dict[tuple[int, int], list[str]] = {}
        for r in self.s.risks.scores:
            ans = self.a.risks[r.id]
            before.setdefault((r.likelihood, r.impact), []).append(r.id)
            cell = ((ans.residual_likelihood, ans.residual_impact) if r.residual_given
                    else (r.likelihood, r.impact))
            after.setdefault(cell, []).append(r.id)  # type: ignore[arg-type]
        return RiskMatrix(
            caption=self.t("memo_matrix_caption"),
            likelihood_label=self.t("memo_likelihood"), impact_label=self.t("memo_impact"),
            likelihoods=lks, impacts=ims, levels=levels,
            legend=tuple((b.id, label(b.id, self.lang, self.forms)) for b in form.levels),
            panels=(MatrixPanel(self.t("memo_matrix_before"),
                                {k: tuple(v) for k, v in before.items()}),
                    MatrixPanel(self.t("memo_matrix_after"),
                                {k: tuple(v) for k, v in after.items()})),
            empty_text="" if self.s.risks.scores else self.t("memo_matrix_empty"),
            alt=self.t("memo_matrix_alt", caption=self.t("memo_matrix_caption"),
                       before=self.t("memo_matrix_before"), after=self.t("memo_matrix_after"),
                       before_cells=self.cells_text(before, levels),
                       after_cells=self.cells_text(after, levels)),
        )

    def cells_text(self, cells: dict[tuple[int, int], list[str]],
                   levels: dict[tuple[int, int], str]) -> str:
        """One panel of the matrix in words, for whoever cannot see the figure."""
        return "; ".join(self.t("memo_matrix_alt_cell", ids=", ".join(ids), likelihood=lk,
                                impact=im, level=label(levels.get((lk, im), ""), self.lang,
                                                       self.forms))
                         for (lk, im), ids in sorted(cells.items(), reverse=True)) or self.none

    def costs(self) -> Section:
        c = self.s.costs
        comments = {cid: line.comment for cid, line in self.a.costs.lines.items()}
        rows = tuple((line.id, self.q(line.id), self.eur(line.one_off_eur),
                      self.eur(line.yearly_eur), self.or_none(comments.get(line.id, "")))
                     for line in c.lines)
        totals = (("", self.t("memo_total"), self.eur(c.one_off_eur), self.eur(c.yearly_eur),
                   ""),
                  ("", self.t("memo_total_horizon", years=c.horizon_years),
                   self.eur(c.total_eur), "", ""))
        table = Table("costs", (self.t("memo_col_id"), self.t("memo_col_item"),
                                self.t("memo_col_one_off"), self.t("memo_col_yearly"),
                                self.t("memo_col_comment")),
                      rows, (1.2, 3.6, 2.2, 2.2, 2.6), numeric=(2, 3), totals=totals)
        blocks: list[Block] = [table, Bullets(self.r(c.reasons))]
        if not rows:
            blocks.insert(0, Paragraph(self.t("memo_no_costs"), "note"))
        return Section("costs", self.t("memo_costs"), tuple(blocks))

    def answers_table(self, key: str, questions: Sequence, answers: dict) -> Table | None:
        """The answered questions of a generic questionnaire, with option texts."""
        rows = []
        for q in questions:
            ans = answers.get(q.id)
            if ans is None or ans.value is None or ans.value == []:
                continue
            options = {o.value: self.text(o.text) for o in self.forms.options(q)}
            values = ans.value if isinstance(ans.value, list) else [ans.value]
            shown = ", ".join(options.get(v, self.num(v) if isinstance(v, (int, float))
                                          else str(v)) for v in values)
            if ans.comment.strip():
                shown = f"{shown} ({ans.comment.strip()})"
            rows.append((q.id, self.text(q.text), shown))
        if not rows:
            return None
        return Table(key, (self.t("memo_col_id"), self.t("memo_col_question"),
                           self.t("memo_col_answer")), tuple(rows), (1.2, 5.8, 4.0))

    def anonymisation(self) -> Section:
        adv = self.adv.anonymisation
        need = {True: "anonymisation_needed", False: "anonymisation_not_needed",
                None: "anonymisation_undetermined"}[adv.needed]
        facts = [(self.t("memo_anonymisation_need"), label(need, self.lang, self.forms))]
        if adv.min_frequency is not None:
            facts.append((self.t("memo_min_frequency"), self.num(adv.min_frequency)))
        blocks: list[Block] = [Fields(tuple(facts))]
        table = self.answers_table("anonymisation", self.forms.anonymisation.questions,
                                   self.a.anonymisation)
        if table:
            blocks.append(table)
        actions = self.r(adv.actions)
        blocks.append(Bullets(actions, self.t("memo_actions")) if actions
                      else Paragraph(self.t("memo_no_actions"), "note"))
        if adv.missing:
            asked = (Reason("missing_answer", {"path": p, "question": p.split(".")[-1]})
                     for p in adv.missing)
            blocks.append(Bullets(self.r(asked), label("heading_missing", self.lang,
                                                        self.forms)))
        blocks += self.risk_lab()
        blocks += self.table_lab()
        return Section("anonymisation", self.t("memo_anonymisation"), tuple(blocks))

    def yes_no(self, value: bool) -> str:
        return self.t("memo_yes" if value else "memo_no")

    def risk_lab(self) -> list[Block]:
        """The disclosure risk measured in the risk lab, what protected the file and what
        the protection cost (issue 17): the numbers behind A10 and step 7."""
        lab = self.a.risk_lab
        if lab is None:
            return []
        n = lambda v: self.none if v is None else self.num(v)  # noqa: E731
        min_group = int(self.forms.anonymisation.number("min_group_persons", 5))
        when = format_moment(lab.measured_at, self.lang) if lab.measured_at else self.none
        # a protected result was measured on the file written, the one to publish: name
        # that file, and the data it was made from beside it
        published = _file_name(lab.output.path) if lab.protected and lab.output else ""
        source = _file_name(lab.source.path) if lab.source else ""
        facts: list[tuple[str, str]] = [
            (self.t("memo_risk_file"), self.t("memo_risk_file_value", file=published or
                                              lab.file or self.none, date=when)),
            (self.t("memo_risk_protected"), self.t("memo_risk_protected_yes") if lab.protected
             else self.t("memo_risk_protected_no")),
            *(((self.t("memo_risk_source"), source),)
              if lab.protected and source and source != (published or lab.file) else ()),
            (self.t("memo_risk_rows"), n(lab.rows)),
            (self.t("memo_risk_keys"), ", ".join(lab.key_variables) or self.none),
            (self.t("memo_risk_k"), n(lab.k)),
            (self.t("memo_risk_reaches", min_group=min_group),
             self.yes_no(lab.k is not None and lab.k >= min_group)),
        ]
        for k, count in sorted(lab.records_below_k.items(), key=lambda kv: int(kv[0])
                               if kv[0].isdigit() else 0):
            share = (f" ({self.num(round(100 * count / lab.rows, 2))} %)" if lab.rows else "")
            facts.append((self.t("memo_risk_below_k", k=k), f"{self.num(count)}{share}"))
        facts.append((self.t("memo_risk_uniques"), n(lab.sample_uniques)))
        if lab.weight:  # a survey: the weights estimate the population behind each record
            expected = (None if lab.global_risk_share is None or lab.rows is None
                        else round(lab.global_risk_share * lab.rows, 2))
            facts.append((self.t("memo_risk_expected"), n(expected)))
            facts.append((self.t("memo_risk_individual_max"), n(
                None if lab.individual_risk_max is None else round(lab.individual_risk_max, 3))))
        else:  # a register: the sum of 1/f only counts the groups, it estimates no risk
            facts.append((self.t("memo_risk_classes"),
                          n(None if lab.expected_reidentifications is None
                            else round(lab.expected_reidentifications))))
        for var, value in lab.l_diversity.items():
            facts.append((self.t("memo_risk_l", variable=var), self.num(value)))
        if lab.not_identifying:  # the steward's choice, so a reader can question it
            facts.append((self.t("memo_risk_not_identifying"), ", ".join(lab.not_identifying)))
        blocks: list[Block] = [Paragraph(self.t("memo_risk_lab"), "strong"),
                               Fields(tuple(facts)),
                               # what k, unique records and expected re-identifications
                               # mean, for a signer who is not a statistician
                               Paragraph(self.t("memo_risk_explained_weighted"
                                                if lab.weight else "memo_risk_explained",
                                                min_group=min_group), "note")]
        if lab.recipe:
            blocks.append(Bullets(tuple(self.step_text(s) for s in lab.recipe
                                        if isinstance(s, dict)), self.t("memo_risk_recipe")))
        blocks += self.loss(lab.loss)
        return blocks

    def step_text(self, step: dict) -> str:
        """One recipe step in words (the memo's language)."""
        op = str(step.get("op", ""))
        cols = ", ".join(str(c) for c in (step.get("columns") or [step.get("column", "")])
                         if c) or self.t("memo_step_key_variables")
        values = {"columns": cols, "k": step.get("k", ""), "to": self.t(
            f"memo_step_to_{step.get('to')}") if step.get("to") in ("year", "month") else "",
            "at": self.num(step["at"]) if isinstance(step.get("at"), (int, float)) else "",
            "share": self.num(round(100 * float(step.get("fraction", 1)), 2))
            if isinstance(step.get("fraction"), (int, float)) else ""}
        if op == "band":
            values["bands"] = (self.t("memo_step_width", width=self.num(step["width"]))
                               if isinstance(step.get("width"), (int, float))
                               else ", ".join(self.num(b) for b in step.get("breaks") or []))
        if op == "merge":
            values["how"] = (str(step["hierarchy"]).replace("\\", "/").split("/")[-1]
                             if step.get("hierarchy") else
                             self.t("memo_step_mapping", count=len(step.get("mapping") or {})))
        key = f"memo_step_{op}"
        if key not in self.forms.messages[self.lang].labels:
            return op
        return self.t(key, **values)

    def loss(self, loss: dict) -> list[Block]:
        if not loss:
            return []
        n = lambda v: self.none if v is None else self.num(v)  # noqa: E731
        share = loss.get("share_removed")
        removed = n(loss.get("records_removed"))
        if isinstance(share, (int, float)):
            removed += f" ({self.num(round(100 * share, 2))} %)"
        facts = ((self.t("memo_loss_records"), self.t(
            "memo_loss_records_value", before=n(loss.get("records_before")),
            after=n(loss.get("records_after")))),
                 (self.t("memo_loss_removed"), removed),
                 (self.t("memo_loss_suppressed"), n(loss.get("values_suppressed"))))
        blocks: list[Block] = [Fields(facts)]
        rows = []
        variables = loss.get("variables")
        for name, info in (variables.items() if isinstance(variables, dict) else ()):
            if not isinstance(info, dict):
                continue
            if info.get("dropped"):
                change, suppressed, distance = self.t("memo_loss_dropped"), "", ""
            else:
                change = self.t("memo_loss_recoded") if info.get("recoded") \
                    else self.t("memo_loss_kept")
                suppressed = n(info.get("values_suppressed"))
                tv = info.get("total_variation")
                distance = self.num(round(tv, 3)) if isinstance(tv, (int, float)) else ""
            rows.append((str(name), change, suppressed, distance))
        if rows:
            blocks.append(Table("risk_lab_loss", (
                self.t("memo_col_variable"), self.t("memo_col_change"),
                self.t("memo_col_suppressed"), self.t("memo_col_distance")),
                tuple(rows), (3.5, 3.0, 2.2, 2.3), numeric=(2, 3)))
            blocks.append(Paragraph(self.t("memo_loss_note"), "note"))
        return blocks

    def table_lab(self) -> list[Block]:
        """Each table protected in the table lab: its rules, suppressions and audit."""
        if not self.a.table_lab:
            return []
        rows = []
        for t in self.a.table_lab:
            dims = " × ".join(t.dimensions) or self.none
            if t.value:
                dims = self.t("memo_table_sum", dimensions=dims, value=t.value)
            cellkey = t.method == "cellkey"  # perturbed, not suppressed: no audit to pass
            rows.append((t.name or self.none, dims, self.rules_text(t.rules),
                         self.num(t.cells), self.num(t.primary), self.num(t.secondary),
                         self.t("memo_table_cellkey_audit") if cellkey
                         else self.t("memo_table_audit_ok") if t.audit_ok
                         else self.t("memo_table_audit_failed")))
        table = Table("table_lab", (
            self.t("memo_col_table"), self.t("memo_col_dimensions"), self.t("memo_col_rules"),
            self.t("memo_col_cells"), self.t("memo_col_primary"), self.t("memo_col_secondary"),
            self.t("memo_col_audit")), tuple(rows), (2.4, 2.4, 2.8, 1.1, 1.2, 1.3, 1.6),
            numeric=(3, 4, 5))
        overridden = [Paragraph(self.t(  # a threshold set against the advice stays visible
            "memo_table_min_frequency_overridden", name=t.name or self.none,
            n=self.num(t.min_frequency or 0), advised=self.num(t.min_frequency_advised or 0)))
            for t in self.a.table_lab if t.min_frequency_overridden]
        perturbed = [t for t in self.a.table_lab if t.method == "cellkey"]
        cellkey = [Paragraph(self.t(  # users must know the figures are off and not additive
            "memo_table_cellkey_note", names=", ".join(t.name or self.none for t in perturbed),
            d=self.num(max(int(t.rules.get("max_deviation") or 0) for t in perturbed))))
            ] if perturbed else []
        return [Paragraph(self.t("memo_table_lab"), "strong"), table, *overridden, *cellkey,
                Paragraph(self.t("memo_table_lab_note"), "note")]

    def rules_text(self, rules: dict) -> str:
        if rules.get("method") == "cellkey":
            return self.t("memo_rule_cellkey", d=self.num(rules.get("max_deviation") or 0),
                          v=self.num(rules.get("variance") or 0))
        parts = []
        if rules.get("min_frequency"):
            parts.append(self.t("memo_rule_frequency", n=self.num(rules["min_frequency"])))
        for pair in rules.get("dominance") or []:
            if isinstance(pair, list) and len(pair) == 2:
                parts.append(self.t("memo_rule_dominance", n=self.num(pair[0]),
                                    k=self.num(pair[1])))
        if rules.get("p_percent"):
            parts.append(self.t("memo_rule_p", p=self.num(rules["p_percent"])))
        if rules.get("protect_zeros"):
            parts.append(self.t("memo_rule_zeros"))
        return "; ".join(parts) or self.none

    def channel(self) -> Section:
        adv = self.adv
        stars = adv.five_star.stars
        facts = (
            (self.t("memo_channel_label"), label(adv.channel.channel, self.lang, self.forms)),
            (self.t("memo_formats_planned"), ", ".join(adv.formats.planned) or self.none),
            (self.t("memo_formats_recommended"),
             ", ".join(adv.formats.recommended) or self.none),
            (label("heading_five_star", self.lang, self.forms),
             self.t("memo_stars_value", stars="★" * stars + "☆" * (5 - stars), count=stars)),
        )
        blocks: list[Block] = [Fields(facts)]
        table = self.answers_table("channel", self.forms.channel.questions, self.a.channel)
        if table:
            blocks.append(table)
        blocks.append(Bullets(self.r((*adv.channel.reasons, *adv.formats.reasons,
                                      *adv.five_star.reasons))))
        return Section("channel", self.t("memo_channel"), tuple(blocks))

    def quality(self) -> Section:
        qs = self.adv.quality
        form = self.forms.quality
        weak = {w.criterion: self.text(w.text) for w in qs.weaknesses}
        rows = tuple(
            (c.id, self.text(c.text),
             self.num(qs.ratings[c.id]) if c.id in qs.ratings else self.t("memo_not_rated"),
             weak.get(c.id, self.none))
            for c in form.criteria)
        blocks: list[Block] = []
        if qs.mean is not None:
            blocks.append(Fields(((self.t("memo_quality_mean"),
                                   self.t("memo_quality_mean_value", mean=self.num(qs.mean),
                                          max=form.scale.max)),)))
        blocks.append(Table("quality", (self.t("memo_col_id"), self.t("memo_col_criterion"),
                                        self.t("memo_col_rating"),
                                        self.t("memo_col_weakness")),
                            rows, (1.2, 3.6, 1.6, 5.0), numeric=(2,)))
        blocks.append(Bullets(self.r(qs.reasons)))
        return Section("quality", self.t("memo_quality"), tuple(blocks))

    def licence_name(self, licence_id: str | None) -> str:
        lic = self.forms.licence(licence_id)
        if lic is None:
            return licence_id or self.t("memo_licence_none")
        return f"{lic.name} ({lic.id})"

    def licence(self, attribution: str) -> Section:
        adv = self.adv.licence
        facts = (
            (self.t("memo_licence_chosen"), self.licence_name(adv.chosen)),
            (self.t("memo_licence_advised"), self.licence_name(adv.recommended)),
            (self.t("memo_licence_metadata"), self.licence_name(adv.metadata_licence)),
        )
        blocks: list[Block] = [Fields(facts)]
        if attribution:
            blocks.append(Box("attribution", self.t("memo_attribution"), text=attribution))
        blocks.append(Bullets(self.r(r for r in adv.reasons if r is not adv.attribution)))
        return Section("licence", self.t("memo_licence"), tuple(blocks))

    def residual(self) -> Section:
        d = self.a.decision
        scores = {r.id: r for r in self.s.risks.scores}
        rows = []
        for rid in d.residual_risks_accepted:
            r = scores.get(rid)
            value = (f"{r.residual_score} ({label(r.residual_level, self.lang, self.forms)})"
                     if r else self.none)
            rows.append((rid, self.q(rid), value))
        blocks: list[Block] = []
        if rows:
            blocks.append(Table("residual", (self.t("memo_col_id"), self.t("memo_col_risk"),
                                             self.t("memo_col_residual")),
                                tuple(rows), (1.2, 6.8, 3.0)))
        else:
            blocks.append(Paragraph(self.t("memo_residual_none"), "note"))
        if d.residual_risk_note.strip():
            blocks.append(Fields(((self.t("memo_residual_note"), d.residual_risk_note.strip()),)))
        return Section("residual", self.t("memo_residual"), tuple(blocks))

    def participants(self) -> Section:
        roles = self.forms.vocab.roles
        rows = tuple((p.name, self.or_none(p.organisation),
                      ", ".join(self.vocab(roles, r) for r in p.roles) or self.none)
                     for p in self.a.participants)
        block: Block = (Table("participants", (self.t("memo_col_name"),
                                               self.t("memo_col_organisation"),
                                               self.t("memo_col_roles")),
                              rows, (3.0, 3.5, 4.5))
                        if rows else Paragraph(self.t("memo_participants_none"), "note"))
        return Section("participants", self.t("memo_participants"), (block,))

    def history(self) -> Section:
        rows = []
        for entry in self.a.change_log:
            phrases = self.change_phrases(c.path for c in entry.changes)
            rows.append((format_moment(entry.at, self.lang), self.saved_by(entry.by),
                         "; ".join(phrases) if phrases else self.none))
        block: Block = (Table("history", (self.t("memo_col_saved"), self.t("memo_col_by"),
                                          self.t("memo_col_changes")),
                              tuple(rows), (2.4, 2.6, 6.0))
                        if rows else Paragraph(self.t("memo_history_none"), "note"))
        return Section("history", self.t("memo_history"), (block,))

    def saved_by(self, by: str) -> str:
        """The saver as a participant's name when the login is one of theirs (name or
        e-mail), else as recorded."""
        key = by.strip().casefold()
        for p in self.a.participants:
            if key and key in (p.name.strip().casefold(), p.email.strip().casefold()):
                return p.name.strip()
        return by

    def change_phrases(self, paths: Iterable[str]) -> list[str]:
        """One save's changes in words, grouped: "Benefits B1–B4 rated", "Licence chosen".

        Each path gives a phrase (from :data:`HISTORY_PHRASES`) and, for a question, its id;
        the ids of one phrase are listed together, in the questionnaire's order.
        """
        groups: dict[tuple[str, str], list[str]] = {}
        for path in paths:
            keys, qid = _history_phrase(path)
            ids = groups.setdefault(keys, [])
            if qid and qid not in ids:
                ids.append(qid)
        order = {keys: n for n, keys in enumerate(HISTORY_PHRASES.values())}
        out = []
        for (one, many), ids in sorted(groups.items(), key=lambda kv: order.get(kv[0], 999)):
            out.append(self.t(many if len(ids) > 1 else one, ids=_id_ranges(ids))
                       if ids else self.t(one))
        return out

    def review(self) -> Section | None:
        """Review comments (open or resolved, and how) and every approval with its status
        and key fingerprint (issue 33); no section when there is neither."""
        from hrk_workbench.reporting.history import question_words
        from hrk_workbench.review.approval import check_approvals
        from hrk_workbench.review.texts import key_text, role_text, status_text

        a, lang = self.a, self.lang
        if not a.comments and not a.approvals:
            return None
        words = lambda path: question_words(path, self.forms, lang)  # noqa: E731
        blocks: list[Block] = []
        if a.comments:
            rows = []
            for c in a.comments:
                status = self.t(f"review_status_{c.status}")
                if c.status == "resolved":
                    status = self.t("memo_rev_resolved", by=c.resolved_by,
                                    text=c.resolution)
                rows.append((c.id, words(c.on), f"{c.by} ({role_text(c.role, lang, self.forms)})",
                             format_moment(c.at, lang), c.text, status))
            blocks += [Paragraph(self.t("memo_rev_comments"), "strong"),
                       Table("comments", (self.t("memo_rev_col_id"), self.t("memo_rev_col_on"),
                                          self.t("memo_rev_col_by"), self.t("memo_rev_col_at"),
                                          self.t("memo_rev_col_comment"),
                                          self.t("memo_rev_col_status")),
                             tuple(rows), (0.6, 2.4, 2.0, 1.6, 3.2, 2.2))]
        if a.approvals:
            rows, keys = [], []
            for check in check_approvals(a):
                ap = check.approval
                status = status_text(check, lang, self.forms, words)
                if ap.open_comments:
                    status += " · " + self.t("memo_rev_open_then",
                                             ids=", ".join(ap.open_comments))
                who = f"{ap.by} ({role_text(ap.role, lang, self.forms)})"
                rows.append((who, format_moment(ap.at, lang), status))
                keys.append(f"{who}, {format_moment(ap.at, lang)}: "
                            f"{key_text(check, lang, self.forms)}")
            blocks += [Paragraph(self.t("memo_rev_approvals"), "strong"),
                       Paragraph(self.t("memo_rev_guarantee"), "note"),
                       Table("approvals", (self.t("memo_rev_col_approver"),
                                           self.t("memo_rev_col_at"),
                                           self.t("memo_rev_col_status")),
                             tuple(rows), (2.6, 1.8, 6.6)),
                       # full width: a fingerprint is one word, copied whole to compare
                       Bullets(tuple(keys), self.t("memo_rev_col_key"))]
        # long values (an address, a changed text) wrap in print by the stylesheet
        # (table.comments, table.approvals), never by characters put into the text
        return Section("review", self.t("memo_rev"), tuple(blocks))

    def signoff(self) -> Section:
        d = self.a.decision
        row = (self.decider(), format_day(d.date, self.lang) if d.date else "", "")
        table = Table("signoff", (self.t("memo_col_name_title"), self.t("memo_date"),
                                  self.t("memo_col_signature")), (row,), (4.0, 2.5, 4.5),
                      min_row_height=40.0)
        return Section("signoff", self.t("memo_signoff"),
                       (Paragraph(self.t("memo_signoff_text")), table))


    def record(self) -> Section:
        """The appendix: every change (which question, from what to what), review comment,
        approval and re-assessment, with who and when (:mod:`.history`)."""
        from hrk_workbench.reporting.history import history_rows, history_table

        head, rows = history_table(history_rows(self.a, self.forms, self.lang), self.lang,
                                   self.forms)
        rows = [(when, self.saved_by(by), *rest) for when, by, *rest in rows]
        block: Block = (Table("record", head, tuple(rows), (2.2, 1.9, 3.5, 1.7, 1.7))
                        if rows else Paragraph(self.t("hist_none"), "note"))
        return Section("record", self.t("memo_record"),
                       (Paragraph(self.t("memo_record_intro")), block))


# A changed answer's path (section and field) -> the catalogue keys of its phrase in the
# history, for one question and for several ("Benefit B3 rated", "Benefits B1–B4 rated").
# Phrases without an id use the first key only. The order is the history's order.
HISTORY_PHRASES: dict[tuple[str, str], tuple[str, str]] = {
    ("dataset", ""): ("memo_hist_dataset", "memo_hist_dataset"),
    ("participants", ""): ("memo_hist_participants", "memo_hist_participants"),
    ("gates", "value"): ("memo_hist_gate", "memo_hist_gates"),
    ("benefits", "value"): ("memo_hist_benefit", "memo_hist_benefits"),
    ("risks", "likelihood"): ("memo_hist_risk", "memo_hist_risks"),
    ("risks", "residual"): ("memo_hist_residual", "memo_hist_residuals"),
    ("risks", "mitigation"): ("memo_hist_mitigation", "memo_hist_mitigations"),
    ("risks", "owner"): ("memo_hist_owner", "memo_hist_owners"),
    ("costs", "lines"): ("memo_hist_cost", "memo_hist_costs"),
    ("costs", ""): ("memo_hist_cost_settings", "memo_hist_cost_settings"),
    ("anonymisation", "value"): ("memo_hist_anonymisation", "memo_hist_anonymisations"),
    ("channel", "value"): ("memo_hist_channel", "memo_hist_channels"),
    ("quality", "rating"): ("memo_hist_quality", "memo_hist_qualities"),
    ("quality", "weaknesses"): ("memo_hist_weakness", "memo_hist_weaknesses"),
    ("*", "comment"): ("memo_hist_comment", "memo_hist_comments"),
    ("licence", "licence_id"): ("memo_hist_licence", "memo_hist_licence"),
    ("licence", ""): ("memo_hist_attribution", "memo_hist_attribution"),
    ("publication", ""): ("memo_hist_publication", "memo_hist_publication"),
    ("risk_lab", ""): ("memo_hist_risk_lab", "memo_hist_risk_lab"),
    ("table_lab", ""): ("memo_hist_table_lab", "memo_hist_table_lab"),
    ("decision", "outcome"): ("memo_hist_decision", "memo_hist_decision"),
    ("decision", "conditions"): ("memo_hist_conditions", "memo_hist_conditions"),
    ("decision", "residual"): ("memo_hist_accepted", "memo_hist_accepted"),
    ("decision", "comment"): ("memo_hist_decision_note", "memo_hist_decision_note"),
    ("*", ""): ("memo_hist_other", "memo_hist_other"),
}
# sections whose second path segment is a question id (``benefits.B3.value``)
_BY_QUESTION = frozenset({"gates", "benefits", "risks", "anonymisation", "channel", "quality"})
# fields that share a phrase with another: likelihood and impact are one rating
_SAME_PHRASE = {"impact": "likelihood", "residual_likelihood": "residual",
                "residual_impact": "residual", "decided_by": "outcome", "date": "outcome",
                "residual_risks_accepted": "residual", "residual_risk_note": "residual"}


def _file_name(path: str) -> str:
    """A fingerprint's file name only: the memo never shows anyone's folders."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _history_phrase(path: str) -> tuple[tuple[str, str], str]:
    """The phrase keys for one changed path, and the question id it names ("" if none)."""
    from hrk_workbench.model.edit import EditError, split_path

    try:
        parts = split_path(path)
    except EditError:
        return HISTORY_PHRASES[("*", "")], ""
    section = str(parts[0])
    qid, fieldname = "", ""
    if section in _BY_QUESTION and len(parts) >= 2:
        qid = str(parts[1])
        fieldname = str(parts[2]) if len(parts) > 2 else "value"
    elif section == "costs" and len(parts) >= 3 and parts[1] == "lines":
        qid, fieldname = str(parts[2]), "comment" if parts[-1] == "comment" else "lines"
    elif section in ("licence", "decision") and len(parts) > 1:
        fieldname = str(parts[1])
    fieldname = _SAME_PHRASE.get(fieldname, fieldname)
    for key in ((section, fieldname), ("*", fieldname) if qid else ("", ""), (section, "")):
        if key in HISTORY_PHRASES:
            return HISTORY_PHRASES[key], qid if key[1] else ""
    return HISTORY_PHRASES[("*", "")], ""


def _id_ranges(ids: Sequence[str]) -> str:
    """Question ids with runs shortened: B1, B2, B3, B4, B7 -> "B1–B4, B7" (in id order)."""
    import re

    def split(qid: str) -> tuple[str, int] | None:
        m = re.fullmatch(r"([A-Za-z]+)(\d+)", qid)
        return (m.group(1), int(m.group(2))) if m else None

    keyed = sorted(ids, key=lambda q: (split(q) or (q, -1)))
    out: list[str] = []
    run: list[tuple[str, int]] = []

    def flush() -> None:
        if run:
            first, last = run[0], run[-1]
            out.append(f"{first[0]}{first[1]}" if len(run) == 1 else
                       f"{first[0]}{first[1]}–{last[0]}{last[1]}" if len(run) > 2 else
                       f"{first[0]}{first[1]}, {last[0]}{last[1]}")
            run.clear()

    for qid in keyed:
        sp = split(qid)
        if sp is None:
            flush()
            out.append(qid)
        elif run and run[-1][0] == sp[0] and run[-1][1] + 1 == sp[1]:
            run.append(sp)
        else:
            flush()
            run.append(sp)
    flush()
    return ", ".join(out)


def build_memo(assessment: Assessment, forms: Forms, lang: str,
               summary: HrkSummary | None = None, advice: Advice | None = None) -> Memo:
    """The memo for ``assessment`` in ``lang``: the one object every rendering lays out.

    ``summary`` and ``advice`` may be passed by a caller that has them already (the GUI
    recomputes them on every edit); otherwise they are computed here.
    """
    summary = summary if summary is not None else summarise(assessment, forms)
    advice = advice if advice is not None else advise(assessment, forms)
    return _Builder(assessment, forms, lang, summary, advice).memo()
