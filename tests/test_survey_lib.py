"""The survey library: weighted Borda by hand, tokens, answers (every problem at once, no gap,
no answer after the close), bounded rounds and weights, imports, languages, settings."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from marketscout import survey
from marketscout.access import hash_token
from marketscout.criteria import survey as criterion
from marketscout.errors import InputError
from marketscout.settings import load_settings
from marketscout.store import Store
from marketscout.survey import links

NOW = datetime(2030, 3, 1, 12, 0)
CANDS = ["DEU", "FRA", "POL", "SWE", "USA"]


def test_weighted_borda_by_hand() -> None:
    answers = pd.DataFrame({"association": ["A", "A", "A", "B", "B"],
                            "market": ["DEU", "POL", "USA", "POL", "FRA"],
                            "position": [1, 2, 3, 1, 2], "weight": [2.0] * 3 + [1.0] * 2})
    # k = 3: A (weight 2) gives DEU 3, POL 2, USA 1; B (weight 1) gives POL 3, FRA 2.
    # Sum of weights 3: DEU 6/3 = 2, POL (4 + 3)/3 = 7/3, USA 2/3, FRA 2/3.
    scores = survey.weighted_borda(answers, 3)
    assert scores.to_dict() == pytest.approx({"DEU": 2.0, "POL": 7 / 3, "USA": 2 / 3,
                                              "FRA": 2 / 3})
    table = survey.summary(answers, 3).set_index("market")
    assert table.loc["POL", "named_by"] == 2 and table.loc["POL", "first_by"] == 1
    assert list(table.index) == ["POL", "DEU", "FRA", "USA"]  # ties broken by market code


def test_borda_refuses_positions_beyond_k_and_bad_weights() -> None:
    with pytest.raises(InputError, match=re.escape("outside 1..2")):
        survey.points(pd.Series([1, 3]), 2)
    bad = pd.DataFrame({"association": ["A"], "market": ["DEU"], "position": [1],
                        "weight": [0.0]})
    with pytest.raises(InputError, match="above 0"):
        survey.weighted_borda(bad, 3)


@pytest.fixture
def setup(store: Store) -> tuple[Store, survey.Round, dict[str, str]]:
    """A round (k = 3, home LTU) with LINPRA (weight 2), Infobalt and Chemija invited."""
    found = survey.create_round(store, "Survey 2030", "2030-06-30", 3, home="LTU", now=NOW)
    tokens = {}
    for name, weight in (("LINPRA", 2.0), ("Infobalt", 1.0), ("Chemija", 1.0)):
        survey.add_association(store, name, "industry", weight, now=NOW)
        tokens[name] = survey.invite(store, found.round_id, name, now=NOW)
    return store, found, tokens


def _answer(store: Store, token: str, markets: list[str], **kw: object) -> survey.Answer:
    found = survey.find_invitation(store, token)
    assert found is not None
    return survey.submit_answer(store, found, markets, now=NOW, **kw)  # type: ignore[arg-type]


def test_tokens_have_256_bits_and_only_their_hash_is_stored(
        setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    store, found, tokens = setup
    token = tokens["LINPRA"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 32 random bytes, URL-safe base64
    many = {survey.invite(store, found.round_id, "Chemija") for _ in range(20)}
    assert len(many) == 20
    stored = store.query("SELECT token_hash FROM survey_invitation")["token_hash"].tolist()
    assert token not in stored and hash_token(token) in stored
    invitation = survey.find_invitation(store, token)
    assert invitation is not None and invitation.association.name == "LINPRA"
    for wrong in ("", "x" * 43, token[:-1], token + "A", token.upper(), "../" + token[3:]):
        assert survey.find_invitation(store, wrong) is None
    # the last of the 20 links is the only one that still opens Chemija's answer
    assert survey.find_invitation(store, tokens["Chemija"]) is None


def test_token_check_is_constant_time(setup: tuple[Store, survey.Round, dict[str, str]],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    store, _, tokens = setup
    calls: list[tuple[str, str]] = []
    real = links.hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(links.hmac, "compare_digest", spy)
    assert survey.find_invitation(store, tokens["LINPRA"]) is not None
    assert calls == [(hash_token(tokens["LINPRA"]),) * 2]


def test_answer_is_checked_stored_and_editable(
        setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    store, found, tokens = setup
    _answer(store, tokens["LINPRA"], ["Germany (DEU)", "poland", ""], comment="<b>hi</b>")
    aid = survey.get_association(store, "LINPRA").association_id
    first = survey.get_answer(store, found.round_id, aid)
    assert first is not None and first.markets == ("DEU", "POL")
    assert first.comment == "<b>hi</b>"  # stored as given; pages escape it
    _answer(store, tokens["LINPRA"], ["USA"], sector="textiles")
    edited = survey.get_answer(store, found.round_id, aid)
    assert edited is not None and edited.markets == ("USA",) and edited.sector == "textiles"
    assert len(survey.answers_frame(store, found.round_id)) == 1


@pytest.mark.parametrize(("markets", "words"), [
    ([], "at least one market"),
    (["", " "], "at least one market"),
    (["DEU", "POL", "USA", "FRA"], "at most 3"),
    (["DEU", "Germany"], "Market 2: Germany is named twice"),
    (["Lithuania"], "Market 1: Lithuania is the home country"),
    (["DEU", "Germny"], "Market 2: 'Germny' is not a known country"),
    (["World"], "not a known country"),
])
def test_bad_answers_are_refused_and_name_the_box(
        setup: tuple[Store, survey.Round, dict[str, str]], markets: list[str],
        words: str) -> None:
    store, found, tokens = setup
    with pytest.raises(InputError, match=re.escape(words)):
        _answer(store, tokens["LINPRA"], markets)
    assert survey.answers_frame(store, found.round_id).empty


def test_long_comment_is_refused(setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    store, _, tokens = setup
    with pytest.raises(InputError, match="at most 2000"):
        _answer(store, tokens["LINPRA"], ["DEU"], comment="x" * 2001)


def test_round_closes_at_the_end_of_its_closing_day(
        setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    store, found, tokens = setup
    invitation = survey.find_invitation(store, tokens["LINPRA"])
    assert invitation is not None
    last_minute = datetime(2030, 6, 30, 23, 59)
    survey.submit_answer(store, invitation, ["DEU"], now=last_minute)
    with pytest.raises(survey.RoundClosedError, match="closed on 2030-07-01 00:00 UTC: "
                       "answers can no longer be given or changed"):
        survey.submit_answer(store, invitation, ["POL"], now=datetime(2030, 7, 1))
    aid = invitation.association.association_id
    kept = survey.get_answer(store, found.round_id, aid)
    assert kept is not None and kept.markets == ("DEU",)


def test_closing_a_round_early_refuses_answers(
        setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    store, found, tokens = setup
    closed = survey.close_round(store, found.round_id, now=NOW)
    assert not closed.is_open(NOW + timedelta(seconds=1))
    with pytest.raises(survey.RoundClosedError, match="no longer"):
        _answer(store, tokens["Infobalt"], ["DEU"])


def test_round_input_is_checked(store: Store) -> None:
    with pytest.raises(InputError, match="in the past"):
        survey.create_round(store, "Old", "2020-01-01", 3, now=NOW)
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        survey.create_round(store, "Bad date", "30/06/2030", 3, now=NOW)
    with pytest.raises(InputError, match=re.escape("1..20")):
        survey.create_round(store, "Too many", "2030-06-30", 0, now=NOW)
    survey.add_association(store, "LINPRA")
    with pytest.raises(InputError, match="already registered"):
        survey.add_association(store, " linpra ")
    with pytest.raises(InputError, match="above 0"):
        survey.add_association(store, "Other", weight=-1)


def test_results_and_response_rate(setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    store, found, tokens = setup
    _answer(store, tokens["LINPRA"], ["DEU", "POL", "USA"])
    _answer(store, tokens["Infobalt"], ["POL", "FRA"])
    res = survey.results(store, found.round_id)
    assert (res.answered, res.asked) == (2, 3) and res.response_rate == pytest.approx(2 / 3)
    # the hand-computed case above, now through the store: weights 2 and 1, k = 3
    scores = res.table.set_index("market")["score"].to_dict()
    assert scores == pytest.approx({"DEU": 2.0, "POL": 7 / 3, "USA": 2 / 3, "FRA": 2 / 3})


def test_criterion_uses_the_round(setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    store, found, tokens = setup
    _answer(store, tokens["LINPRA"], ["DEU", "POL", "USA"])
    _answer(store, tokens["Infobalt"], ["POL", "FRA"])
    result = criterion.compute(store, "LTU", CANDS)
    assert result.values.to_dict() == pytest.approx(
        {"DEU": 2.0, "FRA": 2 / 3, "POL": 7 / 3, "SWE": 0.0, "USA": 2 / 3})
    assert result.coverage == 1.0 and result.year == "2030"
    assert result.partial  # the round is still open: provisional
    assert "2 of 3 associations answered (67%)" in result.notes[0]
    assert result.source_ids == f"survey_round_{found.round_id}"
    # another home country's criterion does not use this round
    assert not criterion.compute(store, "LVA", CANDS).available


def test_criterion_prefers_the_latest_closed_round(
        setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    store, first, tokens = setup
    invited = survey.find_invitation(store, tokens["LINPRA"])
    assert invited is not None
    survey.submit_answer(store, invited, ["DEU"])  # now: the criterion looks at the clock
    survey.close_round(store, first.round_id)
    second = survey.create_round(store, "Survey 2031", "2031-06-30", 3, home="LTU", now=NOW)
    later = survey.find_invitation(store, survey.invite(store, second.round_id, "LINPRA"))
    assert later is not None
    survey.submit_answer(store, later, ["USA"])
    result = criterion.compute(store, "LTU", CANDS)
    assert result.values["DEU"] == 3.0 and result.values["USA"] == 0.0
    assert not result.partial
    picked = criterion.compute(store, "LTU", CANDS, round_id=second.round_id)
    assert picked.values["USA"] == 3.0 and picked.partial


def test_criterion_falls_back_to_the_imported_table(store: Store, fixtures: Path) -> None:
    from marketscout.sources.user import parse

    parsed = parse("survey", fixtures / "user" / "survey_good.csv")
    store.load(parsed.tables, parsed.provenance)
    result = criterion.compute(store, "LTU", CANDS)
    # k = 3 (LINPRA's list): LINPRA DEU 3, SWE 2, USA 1; Infobalt USA 3, DEU 2; over 2
    assert result.values.to_dict() == {"DEU": 2.5, "FRA": 0.0, "POL": 0.0, "SWE": 1.0,
                                       "USA": 2.0}
    assert result.source_ids == "user_survey" and "k = 3" in result.notes[0]


def _write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_import_offline_answers(setup: tuple[Store, survey.Round, dict[str, str]],
                                tmp_path: Path, suffix: str) -> None:
    store, found, _ = setup
    rows: list[list[object]] = [["association", "market", "order"], ["LINPRA", "Germany", 1],
                                ["LINPRA", "Poland", 2], ["Paper Association", "USA", 1]]
    path = tmp_path / f"answers{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n")
    else:
        _write_xlsx(path, rows)
    assert survey.import_answers(store, found.round_id, path, now=NOW) == 2
    res = survey.results(store, found.round_id)
    assert (res.answered, res.asked) == (2, 4)  # the new association counts as asked
    # LINPRA keeps weight 2, the new association weighs 1: DEU 6/3, POL 4/3, USA 3/3
    assert res.table.set_index("market")["score"].to_dict() == pytest.approx(
        {"DEU": 2.0, "POL": 4 / 3, "USA": 1.0})
    assert set(res.responses["via"]) == {"import"}


@pytest.mark.parametrize(("lines", "words"), [
    (["Infobalt,France,1", "LINPRA,Germany,4"], "at position 4; this round takes at most 3"),
    (["Infobalt,France,1", "LINPRA,Lithuania,1"], "not a candidate market"),
    (["LINPRA,Germany,1", "LINPRA,Germany,2"], "rows 2 and 3"),  # parse_survey's own check
    (["Infobalt,France,1", "LINPRA,Atlantis,1"], "Atlantis"),
])
def test_bad_import_loads_nothing(setup: tuple[Store, survey.Round, dict[str, str]],
                                  tmp_path: Path, lines: list[str], words: str) -> None:
    store, found, tokens = setup
    _answer(store, tokens["LINPRA"], ["USA"])
    path = tmp_path / "answers.csv"
    path.write_text("association,market,order\n" + "\n".join(lines) + "\n")
    with pytest.raises(InputError, match=re.escape(words)):
        survey.import_answers(store, found.round_id, path, now=NOW)
    assert survey.answers_frame(store, found.round_id)["market"].tolist() == ["USA"]


def test_admin_password_setting(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('admin_password = "from-file"\n')
    from_file = load_settings({"MARKETSCOUT_HOME": str(tmp_path)})
    assert from_file.admin_password == "from-file" and "from-file" not in repr(from_file)
    env = load_settings({"MARKETSCOUT_HOME": str(tmp_path),
                         "MARKETSCOUT_ADMIN_PASSWORD": "from-env"})
    assert env.admin_password == "from-env"


def test_survey_commands(run: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    closes = (date.today() + timedelta(days=30)).isoformat()
    code, out, err = run("survey", "create-round", "--title", "Survey 2099", "--closes",
                         closes, "--max-markets", "2", "--home", "LTU")
    assert code == 0, err
    assert "Created round 1 'Survey 2099'" in out
    assert run("survey", "add-association", "LINPRA", "--weight", "3")[0] == 0
    code, out, _ = run("survey", "invite", "1", "--base-url", "https://agency.example/")
    assert re.fullmatch(r"LINPRA\thttps://agency\.example/survey/[A-Za-z0-9_-]{43}\n", out)
    answers = tmp_path / "paper.csv"
    answers.write_text("association,market,order\nLINPRA,Germany,1\nLINPRA,Poland,2\n"
                       "Chemija,Poland,1\n")
    assert run("survey", "import", "1", str(answers))[0] == 0
    code, out, _ = run("survey", "results", "1", "--format", "json")
    doc = json.loads(out)
    # k = 2; LINPRA (weight 3): DEU 2, POL 1; Chemija (weight 1): POL 2; weights sum to 4
    assert (doc["answered"], doc["asked"]) == (2, 2)
    assert {m["market"]: m["score"] for m in doc["markets"]} == {"DEU": 1.5, "POL": 1.25}
    assert run("survey", "close", "1")[0] == 0
    code, _, err = run("survey", "import", "1", str(answers))
    assert code == 2 and "answers can no longer be given or changed" in err
    code, _, err = run("survey", "results", "7")
    assert code == 2 and "No survey round 7" in err


# --- every problem at once, no gap, bounds (issues 12 and 17) ---------------------------------

def _problems(exc: pytest.ExceptionInfo[survey.FormError]) -> set[tuple[str, str]]:
    return {(p.field, p.key) for p in exc.value.problems}


def test_every_problem_of_an_answer_is_reported_at_once(
        setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    store, found, tokens = setup
    invitation = survey.find_invitation(store, tokens["LINPRA"])
    assert invitation is not None
    with pytest.raises(survey.FormError) as refused:
        survey.submit_answer(store, invitation, ["Germny", "", "Lithuania"], sector="x" * 201,
                             comment="ok \ud800", now=NOW)
    assert _problems(refused) == {("market-1", "unknown_country_hint"), ("market-2", "gap"),
                                  ("market-3", "home_country"), ("sector", "sector_too_long"),
                                  ("comment", "not_text")}
    text = refused.value.what
    assert text.startswith("Market 1: 'Germny' is not a known country. Did you mean Germany, "
                           "Guernsey, Niger? Pick a country from the list. Box 2 is empty")
    assert "Box 2 is empty but box 3 is filled" in text
    assert "Market 3: Lithuania is the home country." in text
    assert "The sector is 201 characters long; at most 200 fit." in text
    assert "The comment contains a character that is not valid text (at position 4)" in text
    assert survey.answers_frame(store, found.round_id).empty


@pytest.mark.parametrize(("boxes", "gaps"), [(["DEU", "", "POL"], [2]),
                                             (["", "DEU"], [1]),
                                             (["DEU", "", "", "POL"], [2, 3])])
def test_a_gap_in_the_boxes_is_refused_not_compacted(
        store: Store, boxes: list[str], gaps: list[int]) -> None:
    found = survey.create_round(store, "Gaps", "2030-06-30", 4, home="LTU", now=NOW)
    with pytest.raises(survey.FormError) as refused:
        survey.clean_markets(boxes, found)
    assert [p.values["box"] for p in refused.value.problems if p.key == "gap"] == gaps
    # blanks after the last filled box are no gap
    assert survey.clean_markets(["DEU", "POL", "", ""], found) == ("DEU", "POL")


def test_an_imported_answer_with_a_gap_is_refused(
        setup: tuple[Store, survey.Round, dict[str, str]], tmp_path: Path) -> None:
    store, found, _ = setup
    path = tmp_path / "gap.csv"
    path.write_text("association,market,order\nLINPRA,Germany,1\nLINPRA,Poland,3\n")
    with pytest.raises(InputError, match="LINPRA's markets are at positions 1, 3: position 2 "
                                         "is missing"):
        survey.import_answers(store, found.round_id, path, now=NOW)
    assert survey.answers_frame(store, found.round_id).empty


def test_every_problem_of_a_new_round_is_reported_at_once(store: Store) -> None:
    with pytest.raises(survey.FormError) as refused:
        survey.create_round(store, " ", "9999-12-31", "0", home="Atlantis", now=NOW)
    fields = [p.field for p in refused.value.problems]
    assert fields == ["title", "closes_on", "max_markets", "home"]
    assert "The closing date 9999-12-31 is more than 5 years ahead" in refused.value.what
    assert survey.list_rounds(store) == []


@pytest.mark.parametrize("closes", ["9999-12-31", "2035-03-02"])
def test_closing_dates_are_bounded(store: Store, closes: str) -> None:
    with pytest.raises(InputError, match="more than 5 years ahead"):
        survey.create_round(store, "Far", closes, 3, now=NOW)
    # five years from 2030-03-01 is 2035-03-01: accepted
    assert survey.create_round(store, "Near", "2035-03-01", 3, now=NOW).closes_on.year == 2035


def test_a_stored_round_closing_on_the_last_day_still_works(store: Store) -> None:
    """Rounds stored before dates were bounded (9999-12-31 made the admin pages fail)."""
    store.write([("INSERT INTO survey_round VALUES (1, 'Old', DATE '9999-12-31', 3, NULL, ?, "
                  "NULL)", [NOW])])
    found = survey.get_round(store, 1)
    assert found.is_open(NOW) and found.closes_at == datetime.max
    assert survey.results(store, 1).response_rate == 0.0
    closed = survey.close_round(store, 1, now=NOW)
    assert closed.closes_at == NOW


@pytest.mark.parametrize("weight", ["inf", "1e308", "nan", "0", "-1", "100.5", "a lot", ""])
def test_association_weights_are_bounded(store: Store, weight: str) -> None:
    with pytest.raises(InputError, match=re.escape("must be above 0: between 0.01 and 100")):
        survey.add_association(store, "LINPRA", weight=weight)
    assert survey.list_associations(store) == []


def test_a_weight_is_editable_and_changes_the_results(
        setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    store, found, tokens = setup
    _answer(store, tokens["LINPRA"], ["DEU"])
    _answer(store, tokens["Infobalt"], ["POL"])
    # k = 3, weights 2 and 1: DEU 2*3/3 = 2, POL 1*3/3 = 1
    assert survey.results(store, found.round_id).table.set_index("market")["score"].to_dict(
        ) == pytest.approx({"DEU": 2.0, "POL": 1.0})
    assert survey.set_weight(store, "LINPRA", "1").weight == 1.0
    # equal weights: 3/2 each
    assert survey.results(store, found.round_id).table.set_index("market")["score"].to_dict(
        ) == pytest.approx({"DEU": 1.5, "POL": 1.5})
    with pytest.raises(InputError, match=re.escape("between 0.01 and 100")):
        survey.set_weight(store, "LINPRA", "inf")
    assert survey.get_association(store, "LINPRA").weight == 1.0


def test_an_association_is_removable_unless_it_answered_a_closed_round(
        setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    store, found, tokens = setup
    _answer(store, tokens["Chemija"], ["DEU"])
    removed = survey.remove_association(store, "Chemija", now=NOW)
    assert removed.name == "Chemija" and survey.find_association(store, "Chemija") is None
    assert survey.find_invitation(store, tokens["Chemija"]) is None
    assert survey.answers_frame(store, found.round_id).empty
    assert survey.results(store, found.round_id).asked == 2
    _answer(store, tokens["LINPRA"], ["POL"])
    survey.close_round(store, found.round_id, now=NOW + timedelta(hours=1))
    with pytest.raises(InputError, match=r"LINPRA answered closed round\(s\) 1"):
        survey.remove_association(store, "LINPRA", now=NOW + timedelta(hours=2))
    assert survey.find_association(store, "LINPRA") is not None


def test_no_answer_lands_after_the_close(tmp_path: Path) -> None:
    """30 associations answer while the admin closes the round: every answer stored is
    stamped no later than the close, and every refused one was told the round is closed."""
    db = tmp_path / "m.duckdb"
    with Store(db) as store:
        found = survey.create_round(store, "Race", date.today().isoformat(), 2)
        tokens = []
        for i in range(30):
            survey.add_association(store, f"A{i:02d}")
            tokens.append(survey.invite(store, found.round_id, f"A{i:02d}"))
    barrier = threading.Barrier(31)
    outcomes: list[str] = []

    def answer(token: str) -> None:
        with Store(db) as own:
            invitation = survey.find_invitation(own, token)
            assert invitation is not None
            barrier.wait(timeout=60)
            try:
                survey.submit_answer(own, invitation, ["DEU"])
                outcomes.append("stored")
            except survey.RoundClosedError:
                outcomes.append("closed")

    def close() -> None:
        with Store(db) as own:
            barrier.wait(timeout=60)
            time.sleep(0.005)
            survey.close_round(own, found.round_id)

    threads = [threading.Thread(target=answer, args=(t,)) for t in tokens]
    threads.append(threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with Store(db, read_only=True) as store:
        closed_at = survey.get_round(store, found.round_id).closed_at
        stamps = store.query("SELECT updated_at FROM survey_response")["updated_at"]
    assert closed_at is not None and len(outcomes) == 30
    assert len(stamps) == outcomes.count("stored")
    assert all(stamp.to_pydatetime() <= closed_at for stamp in stamps)


# --- languages, names, settings -------------------------------------------------------------

def test_the_catalogues_have_the_same_messages_and_placeholders() -> None:
    from marketscout.survey import catalogue

    english = catalogue.ENGLISH
    for lang, found in catalogue.CATALOGUES.items():
        assert set(found) == set(english), lang
        for key, text in found.items():
            assert catalogue.placeholders(text) == catalogue.placeholders(english[key]), key


def test_problems_read_in_lithuanian(store: Store) -> None:
    found = survey.create_round(store, "Apklausa", "2030-06-30", 2, home="LTU", now=NOW)
    with pytest.raises(survey.FormError) as refused:
        survey.clean_markets(["Vokietija", "Lietuva", "Vokietija (DEU)"], found)
    texts = [p.text("lt") for p in refused.value.problems]
    assert texts == ["Rinka Nr. 2: Lietuva – jūsų pačių šalis, o ne užsienio rinka.",
                     "Nurodyta rinkų: 3; šioje apklausoje galima nurodyti ne daugiau kaip 2.",
                     "Rinka Nr. 3: Vokietija nurodyta du kartus (taip pat laukelyje Nr. 1)."]


def test_markets_have_lithuanian_names_and_can_be_typed_in_lithuanian(store: Store) -> None:
    from marketscout.survey.names import market_name

    # the CLDR's Lithuanian territory names
    assert [market_name(c, "lt") for c in ("DEU", "USA", "POL", "KOR", "GBR")] == [
        "Vokietija", "Jungtinės Valstijos", "Lenkija", "Pietų Korėja", "Jungtinė Karalystė"]
    assert market_name("DEU") == "Germany"
    choices = survey.market_choices("LTU", "lt")
    names = [n for _, n in choices]
    assert ("DEU", "Vokietija") in choices and "Lietuva" not in names
    # Čekija sorts among the Cs, not after Ž
    assert names.index("Čekija") < names.index("Danija")
    found = survey.create_round(store, "Apklausa", "2030-06-30", 3, home="LTU", now=NOW)
    assert survey.clean_markets(["vokietija", "Lenkija (POL)"], found) == ("DEU", "POL")


def test_survey_settings_are_checked_and_stored(store: Store) -> None:
    from marketscout.survey import settings

    assert survey.survey_settings(store).languages == ("en",)
    saved = survey.save_survey_settings(store, {
        "survey_languages": "lt, en", "survey_base_url": "https://survey.agency.example/",
        "survey_privacy_lt": "Atsakymus renka agentūra.", "survey_privacy_en": ""})
    assert saved.languages == ("lt", "en")
    assert saved.link("T" * 43, "http://127.0.0.1:8000/") == (
        "https://survey.agency.example/survey/" + "T" * 43)
    assert saved.notice("en") == "Atsakymus renka agentūra."  # the first language with one
    assert settings.choose_language(saved, None, "en-GB,en;q=0.8") == "en"
    assert settings.choose_language(saved, "de", "de-DE") == "lt"
    assert settings.choose_language(saved, "en", "") == "en"
    for key, value, words in [("survey_languages", "de", "Unknown survey language"),
                              ("survey_base_url", "javascript:alert(1)", "not a web address"),
                              ("survey_base_url", "https://x.example/?a=1", "not a web address"),
                              ("survey_privacy_en", "x" * 4001, "at most 4000")]:
        with pytest.raises(InputError, match=words):
            survey.save_survey_settings(store, {key: value})
    assert survey.survey_settings(store) == saved  # nothing stored by a refused save


def test_survey_rounds_command_shows_the_response_rate_as_a_percentage(
        run: Callable[..., tuple[int, str, str]]) -> None:
    closes = (date.today() + timedelta(days=30)).isoformat()
    assert run("survey", "create-round", "--title", "Pct", "--closes", closes)[0] == 0
    for name in ("A", "B", "C"):
        assert run("survey", "add-association", name)[0] == 0
    code, out, _ = run("survey", "invite", "1")
    links = [line.split("\t")[1] for line in out.splitlines()]
    assert len(links) == 3 and all(x.startswith("http://127.0.0.1:8000/survey/") for x in links)
    with Store(load_settings().db_path) as store:
        token = links[0].rsplit("/", 1)[1]
        invitation = survey.find_invitation(store, token)
        assert invitation is not None
        survey.submit_answer(store, invitation, ["DEU"])
        survey.save_survey_settings(store, {"survey_base_url": "https://agency.example"})
    code, out, _ = run("survey", "rounds")
    assert code == 0 and "33%" in out and "0.333" not in out  # 1 of 3 answered
    code, out, _ = run("survey", "invite", "1", "A")  # the admin's address is the default
    assert out.startswith("A\thttps://agency.example/survey/")


def test_summary_breaks_a_score_tie_by_how_many_associations_named_the_market() -> None:
    # k = 2: A names DEU 1st, USA 2nd; B names POL 1st, USA 2nd (weights 1).
    # DEU 2/2 = 1, POL 2/2 = 1, USA (1 + 1)/2 = 1: a three-way tie; USA was named by two
    answers = pd.DataFrame({"association": ["A", "A", "B", "B"],
                            "market": ["DEU", "USA", "POL", "USA"], "position": [1, 2, 1, 2]})
    table = survey.summary(answers, 2)
    assert table["market"].tolist() == ["USA", "DEU", "POL"]
    assert table["score"].tolist() == [1.0, 1.0, 1.0]
    assert table.set_index("market")["named_by"].to_dict() == {"USA": 2, "DEU": 1, "POL": 1}
    assert table.set_index("market")["first_by"].to_dict() == {"USA": 0, "DEU": 1, "POL": 1}


def test_round_bounds_are_inclusive(store: Store) -> None:
    # a round may close today, exactly five years ahead, and take 20 markets per answer
    today = survey.create_round(store, "Today", NOW.date().isoformat(), 20, now=NOW)
    assert today.closes_on == NOW.date() and today.max_markets == 20
    assert today.is_open(NOW)
    with pytest.raises(InputError, match=re.escape("1..20")):
        survey.create_round(store, "Too many", "2030-06-30", 21, now=NOW)
    with pytest.raises(InputError, match="in the past"):
        survey.create_round(store, "Yesterday", "2030-02-28", 3, now=NOW)


def test_an_answer_with_one_market_too_many_is_refused(
        setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    _, found, _ = setup  # k = 3
    assert survey.clean_markets(["DEU", "POL", "USA"], found) == ("DEU", "POL", "USA")
    with pytest.raises(survey.FormError) as refused:
        survey.clean_markets(["DEU", "POL", "USA", "FRA"], found)
    assert ("market-4", "too_many") in _problems(refused)


def test_a_round_for_any_home_counts_up_to_its_closing_year(store: Store) -> None:
    found = survey.create_round(store, "Any home", "2030-06-30", 3, now=NOW)  # no home
    survey.add_association(store, "LINPRA", now=NOW)
    invitation = survey.find_invitation(store, survey.invite(store, found.round_id, "LINPRA",
                                                             now=NOW))
    assert invitation is not None
    survey.submit_answer(store, invitation, ["DEU"], now=NOW)
    # a round without a home country serves every home; --year Y takes rounds closing in Y
    assert survey.round_for_criterion(store, "LTU", 2030, now=NOW) == found
    assert survey.round_for_criterion(store, "LVA", None, now=NOW) == found
    assert survey.round_for_criterion(store, "LTU", 2029, now=NOW) is None
    assert criterion.compute(store, "LTU", CANDS, year=2030).values["DEU"] == 3.0


def test_closing_a_round_is_never_stamped_before_a_stored_answer(
        setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    store, found, tokens = setup
    invitation = survey.find_invitation(store, tokens["LINPRA"])
    assert invitation is not None
    later = NOW + timedelta(hours=1)  # an answer that committed while the close was on its way
    survey.submit_answer(store, invitation, ["DEU"], now=later)
    closed = survey.close_round(store, found.round_id, now=NOW)
    assert closed.closed_at == later and closed.closes_at == later
    assert survey.results(store, found.round_id).answered == 1


def test_an_import_takes_k_markets_per_association_and_refuses_more(
        setup: tuple[Store, survey.Round, dict[str, str]], tmp_path: Path) -> None:
    store, found, _ = setup  # k = 3
    path = tmp_path / "answers.csv"
    path.write_text("association,market,order\nLINPRA,Germany,1\nLINPRA,Poland,2\n"
                    "LINPRA,France,3\n", encoding="utf-8")
    assert survey.import_answers(store, found.round_id, path, now=NOW) == 1
    path.write_text("association,market,order\nInfobalt,Germany,1\nInfobalt,Poland,2\n"
                    "Infobalt,France,3\nInfobalt,Sweden,4\n", encoding="utf-8")
    with pytest.raises(InputError, match="at position 4; this round takes at most 3"):
        survey.import_answers(store, found.round_id, path, now=NOW)
    assert set(survey.answers_frame(store, found.round_id)["association"]) == {"LINPRA"}
