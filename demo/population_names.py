"""Common Norwegian names and street names for the synthetic population (no real persons)."""

FEMALE_NAMES = (
    "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Bjørg",
    "Hilde", "Anna", "Solveig", "Marianne", "Randi", "Ida", "Nina", "Maria", "Elisabeth", "Kristin",
    "Silje", "Hanne", "Tone", "Nora", "Emma", "Sofie", "Olivia", "Ella", "Maja", "Sara",
    "Leah", "Frida", "Ingeborg", "Thea", "Amalie", "Julie", "Aisha", "Mariam", "Zofia", "Linnea",
)  # fmt: skip
MALE_NAMES = (
    "Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Thomas",
    "Hans", "Geir", "Tor", "Morten", "Terje", "Odd", "Martin", "Erik", "Andreas", "Rune",
    "Jonas", "Emil", "Jakob", "Noah", "Oliver", "William", "Filip", "Lukas", "Aksel", "Henrik",
    "Magnus", "Isak", "Sander", "Mathias", "Tobias", "Ali", "Mohammad", "Piotr", "Ahmed", "Even",
)  # fmt: skip
LAST_NAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Henriksen", "Lund", "Halvorsen",
    "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg", "Svendsen",
    "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen", "Mathisen", "Lie",
    "Amundsen", "Nguyen", "Rasmussen", "Ali", "Lunde", "Solheim", "Berge", "Moe", "Nygård", "Bakke",
)  # fmt: skip
MIDDLE_NAMES = (
    "Marie", "Johanne", "Elise", "Sofie", "Kristine", "Louise", "Andre", "Alexander",
    "Kristian", "Johan", "Olav", "Magnus", "Emil", "Berg", "Dahl", "Lie",
)  # fmt: skip
STREETS = (
    "Storgata", "Kirkegata", "Skolegata", "Parkveien", "Strandveien", "Fjellveien", "Bjørkeveien",
    "Granveien", "Sjøgata", "Torggata", "Nedre gate", "Øvre gate", "Kongens gate", "Dronningens gate",
    "Solbakken", "Furuveien", "Lia", "Haugveien", "Elvegata", "Industriveien", "Stasjonsveien",
    "Prestegårdsveien", "Markveien", "Åsveien", "Lindeveien", "Eikeveien", "Rosenborggata",
    "Bryggeveien", "Havnegata", "Jernbanegata", "Gamleveien", "Nyveien", "Bakkeveien", "Tunveien",
    "Lykkeveien", "Rådhusgata", "Idrettsveien", "Gartnerveien", "Kløverveien", "Hageveien",
)  # fmt: skip

_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "é": "e", " ": ""})


def ascii_name(name: str) -> str:
    """A name as it could appear in an e-mail address."""
    return name.lower().translate(_ASCII)
