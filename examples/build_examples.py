"""Build the bundled example assessments (run after a model change; the JSON is committed).

    .venv/bin/python examples/build_examples.py

The examples with a decision to open carry the decider's approval, so the documented
catalogue commands work on them. It is signed by a key made for this build and thrown away
when it ends (never written anywhere): each approval says ``example_key: true``, and no one
can sign anything else with that key.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hrk_workbench.model import (
    Answer,
    ApiLink,
    Assessment,
    BenefitAnswer,
    Contact,
    CostLine,
    Costs,
    DatasetDescription,
    Decision,
    DictionaryEntry,
    DistributionLink,
    GateAnswer,
    LicenceChoice,
    Participant,
    Publication,
    QualityAnswer,
    RiskAnswer,
    RiskLabResult,
    TableLabResult,
    TemporalCoverage,
    save_assessment,
)
from hrk_workbench.review.approval import approve

HERE = Path(__file__).parent
CREATED = datetime(2026, 9, 14, 8, 30, tzinfo=UTC)


def gates(**answers: str) -> dict[str, GateAnswer]:
    return {k: GateAnswer(value=v) for k, v in answers.items()}  # type: ignore[arg-type]


def benefits(**ratings: int) -> dict[str, BenefitAnswer]:
    return {k: BenefitAnswer(value=v) for k, v in ratings.items()}


def answers(**values: object) -> dict[str, Answer]:
    return {k: Answer(value=v) for k, v in values.items()}  # type: ignore[arg-type]


def city_bikes() -> Assessment:
    return Assessment(
        id="0b6c1f0e-5d7a-4a53-9a53-1c0d2b7e9001",
        created=CREATED,
        language="fi",
        dataset=DatasetDescription(
            title={"en": "City bike trips", "fi": "Kaupunkipyörämatkat",
                   "sv": "Stadscykelresor"},
            description={
                "en": "Every city bike trip of the season: departure and return station, "
                      "departure and return time (to the minute), distance and duration. "
                      "User identifiers, birth year and postcode are not published.",
                "fi": "Kauden jokainen kaupunkipyörämatka: lähtö- ja palautusasema, lähtö- ja "
                      "palautusaika minuutin tarkkuudella, matka ja kesto. Käyttäjätunnisteita, "
                      "syntymävuotta ja postinumeroa ei julkaista.",
                "sv": "Varje stadscykelresa under säsongen: start- och returstation, start- och "
                      "returtid på minuten, sträcka och längd. Användaridentiteter, födelseår "
                      "och postnummer publiceras inte.",
            },
            publisher="City of Vaara / Urban Environment Division",
            publisher_uri="https://www.vaara.example/",
            information_manager="Head of Mobility Services, Urban Environment Division",
            contact=Contact(name="Mobility data team", email="mobility.data@vaara.example"),
            source_system="Bike-sharing operator's trip database (monthly export)",
            keywords={"en": ["city bikes", "cycling", "mobility", "trips"],
                      "fi": ["kaupunkipyörät", "pyöräily", "liikkuminen", "matkat"],
                      "sv": ["stadscyklar", "cykling", "rörlighet", "resor"]},
            themes=["TRAN", "REGI"],
            spatial_coverage="City of Vaara",
            temporal_coverage=TemporalCoverage(start=date(2021, 4, 1)),
            update_frequency="MONTHLY",
            size_mb=250,
            record_count=3_500_000,
            personal_data=True,
            granularity="unit",
            longitudinal=False,
            use_cases={
                "en": "Planning of the station network and cycle lanes, research on urban "
                      "mobility, journey-planner and visualisation services.",
                "fi": "Asemaverkon ja pyöräteiden suunnittelu, kaupunkiliikkumisen tutkimus, "
                      "reittiopas- ja visualisointipalvelut.",
                "sv": "Planering av stationsnätet och cykelbanor, forskning om rörlighet i "
                      "staden, reseplanerare och visualiseringar.",
            },
            ownership="The city owns the trip data under its contract with the operator "
                      "(clause 14: the city may publish the data).",
            precision="Times to the minute, stations as fixed points, distance in metres.",
            end_of_life="Published as long as the city runs the bike-sharing service.",
            landing_page="https://data.vaara.example/city-bike-trips",
        ),
        participants=[
            Participant(name="Aino Virtanen", organisation="Urban Environment Division",
                        roles=["data_steward", "promoter"]),
            Participant(name="Johan Lindqvist", organisation="Legal Services",
                        roles=["data_protection"]),
            Participant(name="Mikko Korhonen", organisation="ICT Services",
                        roles=["it_expert"]),
            Participant(name="Liisa Mäkelä", organisation="Urban Environment Division",
                        roles=["information_manager", "decision_maker"]),
        ],
        gates=gates(G1="no", G2="no", G3="no", G4="no"),
        benefits={**benefits(B1=3, B2=3, B3=2, B4=1, B5=2, B6=2, B7=2, B8=2, B9=0),
                  "B1": BenefitAnswer(value=3, comment="14 information requests in 2025.")},
        risks={
            "R1": RiskAnswer(
                likelihood=3, impact=4, owner="Johan Lindqvist",
                mitigation="Remove user id, birth year and postcode; round times to the "
                           "minute; drop trips shorter than 1 minute or 50 metres.",
                residual_likelihood=2, residual_impact=3),
            "R2": RiskAnswer(likelihood=1, impact=3),
            "R3": RiskAnswer(likelihood=1, impact=2),
            "R4": RiskAnswer(likelihood=1, impact=2),
            "R5": RiskAnswer(likelihood=2, impact=2, owner="Aino Virtanen",
                             comment="The operator's fleet figures are already public."),
            "R6": RiskAnswer(likelihood=1, impact=1),
            "R7": RiskAnswer(likelihood=2, impact=2,
                             mitigation="Document distance measurement and known errors."),
            "R8": RiskAnswer(likelihood=1, impact=2),
            "R9": RiskAnswer(likelihood=2, impact=2),
        },
        costs=Costs(day_rate_eur=600, lines={
            "C1": CostLine(one_off_days=5),
            "C2": CostLine(one_off_days=4),
            "C3": CostLine(one_off_days=3),
            "C4": CostLine(one_off_days=8, one_off_eur=2000,
                           comment="API on the city's shared API platform."),
            "C5": CostLine(yearly_days=6),
            "C6": CostLine(yearly_days=3),
            "C7": CostLine(yearly_eur=1200),
            "C9": CostLine(one_off_days=2),
        }),
        anonymisation=answers(A1="yes", A2="yes", A3="no", A4="no", A5="no", A6="persons",
                              A7="none", A8="finer", A9="no", A10="yes"),
        channel=answers(CH1="no", CH2="yes", CH3="yes", CH4="yes", CH5="yes", CH6="tabular",
                        CH7=["CSV", "XLSX"], CH8=["CSV", "JSON"], CH9="no", CH10="no",
                        CH11="yes", CH12="yes",
                        CH13="https://data.vaara.example/city-bike-trips"),
        quality={
            "Q1": QualityAnswer(rating=4),
            "Q2": QualityAnswer(rating=4),
            "Q3": QualityAnswer(rating=3, weaknesses={
                "en": "No trips from November to March: the service is closed in winter.",
                "fi": "Marras–maaliskuulta ei ole matkoja: palvelu on talvella suljettu.",
                "sv": "Inga resor november–mars: tjänsten är stängd på vintern."}),
            "Q4": QualityAnswer(rating=2, weaknesses={
                "en": "About 2 % of distances are wrong because of faulty odometers.",
                "fi": "Noin 2 % matkojen pituuksista on virheellisiä matkamittarivikojen vuoksi.",
                "sv": "Omkring 2 % av sträckorna är fel på grund av trasiga vägmätare."}),
            "Q5": QualityAnswer(rating=4),
            "Q6": QualityAnswer(rating=4),
            "Q7": QualityAnswer(rating=3),
            "Q8": QualityAnswer(rating=4),
            "Q9": QualityAnswer(rating=5),
            "Q10": QualityAnswer(rating=4),
            "Q11": QualityAnswer(rating=5),
        },
        licence=LicenceChoice(licence_id="CC-BY-4.0",
                              attribution_name="City of Vaara, Urban Environment Division"),
        publication=Publication(
            distributions={
                "CSV": DistributionLink(
                    download_url="https://data.vaara.example/city-bike-trips/trips.csv",
                    access_url="https://data.vaara.example/city-bike-trips"),
                "JSON": DistributionLink(
                    download_url="https://data.vaara.example/city-bike-trips/trips.json",
                    access_url="https://data.vaara.example/city-bike-trips"),
            },
            api=ApiLink(endpoint_url="https://api.vaara.example/city-bikes/v1/trips",
                        documentation_url="https://api.vaara.example/city-bikes/v1/docs",
                        description_url="https://api.vaara.example/city-bikes/v1/openapi.json"),
        ),
        decision=Decision(outcome="open_with_conditions", decided_by="Liisa Mäkelä",
                          date=date(2026, 10, 2), residual_risks_accepted=["R1"],
                          residual_risk_note="Regular commuters' trips remain visible as "
                                             "patterns between two stations.",
                          conditions="Publish only after the user fields are removed and "
                                     "times rounded; review after the first season."),
    )


def air_quality() -> Assessment:
    return Assessment(
        id="0b6c1f0e-5d7a-4a53-9a53-1c0d2b7e9002",
        created=CREATED,
        dataset=DatasetDescription(
            title={"en": "Air quality measurements", "fi": "Ilmanlaadun mittaukset",
                   "sv": "Luftkvalitetsmätningar"},
            description={"en": "Hourly concentrations of NO2, PM10 and PM2.5 at six stations.",
                         "fi": "Typpidioksidin, PM10- ja PM2.5-hiukkasten tuntipitoisuudet "
                               "kuudella asemalla.",
                         "sv": "Timhalter av NO2, PM10 och PM2,5 vid sex stationer."},
            publisher="City of Vaara / Environmental Services",
            contact=Contact(name="Air quality unit", email="air@vaara.example"),
            source_system="Air quality monitoring network database",
            keywords={"en": ["air quality"], "fi": ["ilmanlaatu"], "sv": ["luftkvalitet"]},
            themes=["ENVI"], spatial_coverage="City of Vaara",
            temporal_coverage=TemporalCoverage(start=date(2015, 1, 1)),
            update_frequency="HOURLY", size_mb=40, personal_data=False,
            granularity="aggregated", hvd_category="earth_observation_environment",
        ),
        gates=gates(G1="no", G2="no", G3="no", G4="no"),
        benefits=benefits(B1=2, B2=2, B3=1, B4=1, B5=2, B6=1, B7=2, B8=3, B9=0),
        risks={"R7": RiskAnswer(likelihood=3, impact=2), "R3": RiskAnswer(likelihood=1,
                                                                           impact=2)},
        costs=Costs(lines={"C4": CostLine(one_off_days=10), "C5": CostLine(yearly_days=5)}),
        anonymisation=answers(A6="objects", A7="none"),
        channel=answers(CH1="yes", CH3="yes", CH6="tabular", CH8=["CSV", "JSON"]),
        licence=LicenceChoice(licence_id="CC-BY-4.0"),
        publication=Publication(
            distributions={
                "CSV": DistributionLink(
                    download_url="https://data.vaara.example/air-quality/measurements.csv"),
                "JSON": DistributionLink(
                    download_url="https://data.vaara.example/air-quality/measurements.json"),
            },
            api=ApiLink(endpoint_url="https://api.vaara.example/air-quality/v1/measurements",
                        documentation_url="https://api.vaara.example/air-quality/v1/docs"),
        ),
        decision=Decision(outcome="open", decided_by="Head of Environmental Services",
                          date=date(2026, 10, 2)),
    )


def social_assistance() -> Assessment:
    return Assessment(
        id="0b6c1f0e-5d7a-4a53-9a53-1c0d2b7e9003",
        created=CREATED,
        dataset=DatasetDescription(
            title={"en": "Social assistance recipients by postcode area",
                   "fi": "Toimeentulotuen saajat postinumeroalueittain",
                   "sv": "Mottagare av utkomststöd per postnummerområde"},
            description={"en": "Yearly number of households receiving social assistance.",
                         "fi": "Toimeentulotukea saaneiden kotitalouksien määrä vuosittain.",
                         "sv": "Antal hushåll som fått utkomststöd per år."},
            publisher="City of Vaara / Social Services",
            update_frequency="ANNUAL", personal_data=True, granularity="aggregated",
        ),
        gates=gates(G1="no", G2="no", G3="no", G4="no"),
        benefits=benefits(B1=1, B2=2, B3=0, B4=3, B5=3, B6=1, B7=1, B8=2, B9=0),
        risks={"R1": RiskAnswer(likelihood=3, impact=4, residual_likelihood=1,
                                residual_impact=4,
                                mitigation="Suppress cells under 10 households."),
               "R2": RiskAnswer(likelihood=3, impact=4),
               "R8": RiskAnswer(likelihood=3, impact=3)},
        costs=Costs(lines={"C1": CostLine(one_off_days=4), "C2": CostLine(one_off_days=6)}),
        anonymisation=answers(A1="no", A3="yes", A6="persons", A7="frequency", A8="finer"),
        table_lab=[TableLabResult(
            name="households_by_district.csv", dimensions=["district", "household_type"],
            rules={"min_frequency": 10, "dominance": [[1, 80.0]], "p_percent": 10.0,
                   "protect_zeros": False},
            method="exact", cells=60, primary=7, secondary=5, audit_ok=True,
            saved_at=datetime(2026, 9, 30, 9, 15, tzinfo=UTC))],
        channel=answers(CH6="tabular", CH8=["CSV"]),
        licence=LicenceChoice(licence_id="CC-BY-4.0"),
        publication=Publication(distributions={"CSV": DistributionLink(
            download_url="https://data.vaara.example/social-assistance/households.csv")}),
    )


def health_research() -> Assessment:
    """Pseudonymised patient records that researchers must follow over time: limited access."""
    return Assessment(
        id="0b6c1f0e-5d7a-4a53-9a53-1c0d2b7e9004",
        created=CREATED,
        language="fi",
        dataset=DatasetDescription(
            title={"en": "Diabetes care episodes", "fi": "Diabeteksen hoitojaksot",
                   "sv": "Vårdperioder för diabetes"},
            description={"en": "Care episodes of diabetes patients in the wellbeing services "
                               "county, one row per visit, with a pseudonymous patient code.",
                         "fi": "Hyvinvointialueen diabetespotilaiden hoitojaksot, rivi "
                               "käyntiä kohden, pseudonyymillä potilaskoodilla.",
                         "sv": "Vårdperioder för diabetespatienter i välfärdsområdet, en rad "
                               "per besök, med en pseudonym patientkod."},
            publisher="Vaara Wellbeing Services County",
            update_frequency="ANNUAL", personal_data=True, granularity="unit",
            longitudinal=True,
        ),
        gates=gates(G1="no", G2="no", G3="no", G4="no"),
        benefits=benefits(B1=2, B2=1, B3=0, B4=1, B5=3, B6=1, B7=1, B8=3, B9=0),
        risks={"R1": RiskAnswer(likelihood=3, impact=4), "R2": RiskAnswer(likelihood=3,
                                                                           impact=5),
               "R9": RiskAnswer(likelihood=2, impact=3)},
        costs=Costs(lines={"C2": CostLine(one_off_days=15), "C9": CostLine(one_off_days=5)}),
        anonymisation=answers(A1="no", A2="yes", A3="yes", A4="no", A5="yes", A6="persons",
                              A9="yes", A10="yes"),
        licence=LicenceChoice(),
        # measured on the extract as it is: every combination is shared by two patients at
        # least, far from the five a public file needs (and A9 keeps it limited anyway)
        risk_lab=RiskLabResult(
            file="diabetes_episodes_2025.csv",
            measured_at=datetime(2026, 9, 30, 10, 0, tzinfo=UTC), protected=False,
            rows=48_210, key_variables=["birth_year", "sex", "municipality", "visit_month"],
            sensitive=["diagnosis"], k=2,
            records_below_k={"2": 0, "3": 412, "5": 1_980, "10": 6_034}, sample_uniques=0,
            expected_reidentifications=15_873.0, l_diversity={"diagnosis": 1},
            uniques_if_dropped={"birth_year": 0, "sex": 0, "municipality": 0,
                                "visit_month": 0},
            dictionary=[
                DictionaryEntry(column="patient_code", type="string", role="direct",
                                description={"en": "Pseudonymous patient code",
                                             "fi": "Pseudonyymi potilaskoodi",
                                             "sv": "Pseudonym patientkod"}),
                DictionaryEntry(column="birth_year", type="integer", role="quasi",
                                description={"en": "Year of birth", "fi": "Syntymävuosi",
                                             "sv": "Födelseår"}),
                DictionaryEntry(column="sex", type="string", role="quasi",
                                description={"en": "Sex", "fi": "Sukupuoli", "sv": "Kön"}),
                DictionaryEntry(column="municipality", type="string", role="quasi",
                                description={"en": "Municipality of residence",
                                             "fi": "Asuinkunta", "sv": "Hemkommun"}),
                DictionaryEntry(column="visit_month", type="yearmonth", role="quasi",
                                description={"en": "Month of the visit",
                                             "fi": "Käynnin kuukausi",
                                             "sv": "Besöksmånad"}),
                DictionaryEntry(column="diagnosis", type="string", role="sensitive",
                                sensitive=True,
                                description={"en": "ICD-10 diagnosis code",
                                             "fi": "ICD-10-diagnoosikoodi",
                                             "sv": "ICD-10-diagnoskod"}),
            ]),
    )


def water_network() -> Assessment:
    """Vulnerabilities of critical infrastructure: a legal barrier decides alone."""
    return Assessment(
        id="0b6c1f0e-5d7a-4a53-9a53-1c0d2b7e9005",
        created=CREATED,
        dataset=DatasetDescription(
            title={"en": "Water network pumping stations and weak points",
                   "fi": "Vesijohtoverkon pumppaamot ja heikot kohdat",
                   "sv": "Vattenledningsnätets pumpstationer och svaga punkter"},
            description={"en": "Locations of the pumping stations and the known weak points "
                               "of the drinking-water network."},
            publisher="Vaara Water Ltd", personal_data=False,
        ),
        gates=gates(G1="no", G2="no", G3="yes", G4="no"),
        benefits=benefits(B1=1, B2=1, B4=1, B8=1),
    )


def street_trees_draft() -> Assessment:
    """A draft just started, as an imported legacy workbook looks: incomplete."""
    return Assessment(
        id="0b6c1f0e-5d7a-4a53-9a53-1c0d2b7e9006",
        created=CREATED,
        language="sv",
        dataset=DatasetDescription(
            title={"fi": "Katupuiden rekisteri", "sv": "Gatuträdsregistret",
                   "en": "Street tree register"},
            publisher="City of Vaara / Parks",
        ),
        gates=gates(G1="no", G2="no", G3="no", G4="no"),
        benefits=benefits(B1=2, B2=3, B5=2, B8=2),
        risks={"R7": RiskAnswer(likelihood=2, impact=2)},
    )


def meeting_rooms() -> Assessment:
    """Little demand, no risk worth the name: open when there is time (low priority)."""
    return Assessment(
        id="0b6c1f0e-5d7a-4a53-9a53-1c0d2b7e9007",
        created=CREATED,
        dataset=DatasetDescription(
            title={"en": "Meeting room bookings in the city hall",
                   "fi": "Kaupungintalon kokoushuonevaraukset",
                   "sv": "Mötesrumsbokningar i stadshuset"},
            description={"en": "Bookings of the city hall's meeting rooms: room, day, start "
                               "and end time; no names of those who booked.",
                         "fi": "Kaupungintalon kokoushuoneiden varaukset: huone, päivä, alkamis- "
                               "ja päättymisaika; ei varaajien nimiä.",
                         "sv": "Bokningar av stadshusets mötesrum: rum, dag, start- och "
                               "sluttid; inga namn på dem som bokat."},
            publisher="City of Vaara / Premises", personal_data=False,
        ),
        gates=gates(G1="no", G2="no", G3="no", G4="no"),
        benefits=benefits(B1=0, B2=1, B4=1, B6=1),
        risks={"R9": RiskAnswer(likelihood=1, impact=1)},
        costs=Costs(lines={"C1": CostLine(one_off_days=2)}),
        anonymisation=answers(A6="objects"),
        channel=answers(CH6="tabular", CH8=["CSV"]),
        licence=LicenceChoice(licence_id="CC0-1.0"),
        publication=Publication(distributions={"CSV": DistributionLink(
            download_url="https://data.vaara.example/meeting-rooms/bookings.csv")}),
        decision=Decision(outcome="open", decided_by="Head of Premises",
                          date=date(2026, 10, 2)),
    )


EXAMPLES = (("city-bike-trips", city_bikes), ("air-quality", air_quality),
            ("social-assistance", social_assistance), ("health-research", health_research),
            ("water-network", water_network), ("street-trees-draft", street_trees_draft),
            ("meeting-rooms", meeting_rooms))


def approved(assessment: Assessment, key: Ed25519PrivateKey) -> Assessment:
    """A decision to open gets its decider's approval, signed by the build's example key."""
    outcome = assessment.decision.outcome or ""
    if outcome.startswith("open") and assessment.decision.decided_by:
        approve(assessment, assessment.decision.decided_by, "decider", key,
                now=datetime(2026, 10, 2, 12, 5, tzinfo=UTC), example_key=True)
    return assessment


def main() -> None:
    key = Ed25519PrivateKey.generate()  # this build's only: never saved, gone when it ends
    for name, build in EXAMPLES:
        path = HERE / f"{name}.hrk.json"
        path.unlink(missing_ok=True)
        save_assessment(approved(build(), key), path, author="HRK Workbench examples",
                        now=datetime(2026, 10, 2, 12, 0, tzinfo=UTC))
        print(path)


if __name__ == "__main__":
    main()
