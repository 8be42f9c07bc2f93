"""What the Horizon programme-part codes mean (the words of `sources/cordis/bulk.py` and of
the re-published H2020 table): one mapping for every page, legend and tooltip."""

from __future__ import annotations

PART_NAMES: dict[str, str] = {
    "ERC": "European Research Council (frontier research grants)",
    "FET": "Future and Emerging Technologies",
    "MSCA": "Marie Skłodowska-Curie Actions (researcher mobility and training)",
    "RI": "Research Infrastructures",
    "LEIT": "Leadership in Enabling and Industrial Technologies (ICT, nano, materials, "
            "biotech, manufacturing, space)",
    "ARF": "Access to Risk Finance",
    "Innovation in SMEs": "Innovation in small and medium-sized enterprises",
    "SC1": "Societal Challenge 1: health, demographic change and wellbeing",
    "SC2": "Societal Challenge 2: food security, sustainable agriculture, marine research "
           "and the bioeconomy",
    "SC3": "Societal Challenge 3: secure, clean and efficient energy",
    "SC4": "Societal Challenge 4: smart, green and integrated transport",
    "SC5": "Societal Challenge 5: climate action, environment, resource efficiency and raw "
           "materials",
    "SC6": "Societal Challenge 6: inclusive, innovative and reflective societies",
    "SC7": "Societal Challenge 7: secure societies",
    "SEWP": "Spreading Excellence and Widening Participation",
    "SWAFS": "Science with and for Society",
    "Euratom": "Euratom research and training programme (nuclear)",
    "EIC": "European Innovation Council",
    "EIT": "European Institute of Innovation and Technology",
    **{f"Cluster {n}": f"Horizon Europe pillar II, cluster {n}: {name}" for n, name in enumerate(
        ("health", "culture, creativity and inclusive society",
         "civil security for society", "digital, industry and space",
         "climate, energy and mobility",
         "food, bioeconomy, natural resources, agriculture and environment"), start=1)},
    "Widening": "Widening participation and spreading excellence",
}


def part_name(code: str) -> str | None:
    """The full name of a programme-part code, or None for one not known."""
    return PART_NAMES.get(code.strip())
