"""The survey library: weighted Borda by hand, tokens, answers, rounds closing, imports, login."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from marketscout import survey
from marketscout.criteria import survey as criterion
from marketscout.errors import InputError
from marketscout.settings import load_settings
from marketscout.store import Store
from marketscout.survey import auth, rounds

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
    assert token not in stored and rounds.hash_token(token) in stored
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
    real = rounds.hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(rounds.hmac, "compare_digest", spy)
    assert survey.find_invitation(store, tokens["LINPRA"]) is not None
    assert calls == [(rounds.hash_token(tokens["LINPRA"]),) * 2]


def test_answer_is_checked_stored_and_editable(
        setup: tuple[Store, survey.Round, dict[str, str]]) -> None:
    store, found, tokens = setup
    _answer(store, tokens["LINPRA"], ["Germany (DEU)", "", "poland"], comment="<b>hi</b>")
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
    _answer(store, tokens["LINPRA"], ["DEU"])
    survey.close_round(store, first.round_id)
    second = survey.create_round(store, "Survey 2031", "2031-06-30", 3, home="LTU")
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


def test_password_hash_is_salted_scrypt() -> None:
    first, second = auth.hash_password("s3cret"), auth.hash_password("s3cret")
    assert first != second and first.startswith("scrypt$16384$8$1$") and "s3cret" not in first
    assert auth.verify_password("s3cret", first) and not auth.verify_password("S3cret", first)
    assert not auth.verify_password("s3cret", "not a hash")


def test_login_stores_only_a_hash_and_sessions_end(store: Store) -> None:
    session = auth.login(store, "s3cret", "s3cret", "10.0.0.1", now=NOW)
    assert session and auth.session_valid(store, session, NOW)
    stored = store.query("SELECT * FROM survey_admin")["password_hash"].iloc[0]
    assert "s3cret" not in stored and auth.verify_password("s3cret", stored)
    assert not auth.session_valid(store, session, NOW + auth.SESSION_LIFETIME)
    auth.end_session(store, session)
    assert not auth.session_valid(store, session, NOW)
    assert auth.login(store, "s3cret", "wrong", "10.0.0.1", now=NOW) is None
    with pytest.raises(auth.AdminDisabledError, match="MARKETSCOUT_ADMIN_PASSWORD"):
        auth.login(store, None, "s3cret", "10.0.0.1", now=NOW)


def test_login_attempts_are_limited_per_address(store: Store) -> None:
    for i in range(auth.PER_CLIENT_FAILURES):
        assert auth.login(store, "s3cret", f"guess{i}", "10.0.0.1",
                          now=NOW + timedelta(minutes=i)) is None
    later = NOW + timedelta(minutes=5)
    with pytest.raises(auth.LoginLockedError) as locked:
        auth.login(store, "s3cret", "s3cret", "10.0.0.1", now=later)  # even the right one
    # the first failure (at NOW) leaves the 15-minute window at NOW + 15 min: 600 s from now
    assert locked.value.retry_after == 601
    assert auth.login(store, "s3cret", "s3cret", "10.0.0.2", now=later)  # others may log in
    assert auth.login(store, "s3cret", "s3cret", "10.0.0.1", now=NOW + timedelta(minutes=16))


def test_login_attempts_are_limited_overall(store: Store,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "GLOBAL_FAILURES", 3)
    for i in range(3):
        auth.login(store, "s3cret", "guess", f"10.0.1.{i}", now=NOW)
    with pytest.raises(auth.LoginLockedError, match="on this server"):
        auth.login(store, "s3cret", "s3cret", "10.0.2.1", now=NOW)


def test_admin_password_setting(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('admin_password = "from-file"\n')
    from_file = load_settings({"MARKETSCOUT_HOME": str(tmp_path)})
    assert from_file.admin_password == "from-file" and "from-file" not in repr(from_file)
    env = load_settings({"MARKETSCOUT_HOME": str(tmp_path),
                         "MARKETSCOUT_ADMIN_PASSWORD": "from-env"})
    assert env.admin_password == "from-env"


def test_survey_commands(run: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    code, out, err = run("survey", "create-round", "--title", "Survey 2099", "--closes",
                         "2099-06-30", "--max-markets", "2", "--home", "LTU")
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
