"""The cues the word detectors look for: trigger phrases before a name, words that name a
school or hospital, street suffixes and house numbers, handles and the platforms they are on."""

import re

IC = re.IGNORECASE
ARTICLES = frozenset(
    [
        "de",
        "het",
        "'t",
        "den",
        "der",
        "sint",
        "st",
        "saint",
        "sainte",
        "ste",
        "la",
        "le",
        "les",
        "du",
        "des",
        "l'",
        "d'",
        "van",
        "of",
    ]
)
SCHOOL_WORD = re.compile(
    r"(?:basis|lagere|kleuter|middelbare|secundaire|hoge|muziek|kunst|sport)?school|atheneum"
    r"|athenee|athénée|college|collège|lyceum|lycée|instituut|institut|academie|kta|bso|tso|école"
    r"|ecole|ziekenhuis|kliniek|hôpital|hopital|clinique|hospital|az|uz|zna|gza|chu|chr|internaat"
    r"|lycee|college|athenee|institut|universiteit|universite|hogeschool|ka|vti|vbs|gbs|gvbs"
    r"|jeugdhuis|chiro|scouts|ksa|voetbalclub|fc|kfc|ksv|kv|rfc|rsc|vc|kvc|svv|zwembad"
    r"|piscine|amo|joc|jeugdcentrum|jeugdwerking|jeugddienst|kinderdagverblijf|creche|crèche"
    r"|speelpleinwerking",
    IC,
)

# The word(s) after these name a person, unless they are an ordinary word ("ik ben bang").
# Matched as a look-ahead so that triggers may overlap ("ma prof madame dubois"): group 1 ends
# where the name begins.
NAME_TRIGGERS = re.compile(
    r"(?=(\b(?:ik\s+ben|k\s+ben|kben|ik\s+heet|kheet|k\s+heet|ik\s+noem|mijn\s+naam\s+is|men\s+naam"
    r"\s+is|mn\s+naam\s+is|naam\s*:|heet|heette|noemt|je\s+m'appelle|je\s+m\s+appelle|jm'appelle"
    r"|moi\s+c'est|mon\s+nom\s+est|je\s+suis|s'appelle|i'?m|i\s+am|my\s+name\s+is|my\s+name's"
    r"|call\s+me|named|called|this\s+is|met|c'est|c|groetjes|groeten|groetjes,|vriendelijke\s+groeten"
    r"|mvg|bien\s+à\s+vous|cordialement|bisous|regards|kind\s+regards|cheers|thanks|love"
    r"|(?:mijn|m'n|mn|men|mijne|ma|mon|my|onze|ons|our|notre|zijn|haar|his|her|son|sa)\s+"
    r"(?:\w+\s+)?(?:vriend|vriendje|vriendin|vriendinnetje|lief|liefje|broer|broertje|zus|zusje"
    r"|zuster|stiefvader|stiefpa|stiefpapa|stiefmoeder|stiefma|plusvader|pluspapa|plusmama"
    r"|vader|moeder|papa|mama|pa|ma|opa|oma|nonkel|oom|tante|neef|nicht|buurman|buurvrouw"
    r"|leraar|lerares|leerkracht|juf|meester|coach|trainer|baas|chef|collega|man|vrouw|ex|zoon"
    r"|dochter|kleinzoon|kleindochter|schoonvader|schoonmoeder|partner|vent|stiefbroer"
    r"|stiefzus|halfbroer|halfzus|mari|copain|copine|frère|soeur|sœur|père|mère|beau-père"
    r"|belle-mère|oncle|tante|cousin|cousine|voisin|voisine|prof|professeur|fils|fille|femme"
    r"|petit\s+ami|petite\s+amie|patron|stepdad|stepfather|stepmum|stepmom|stepmother|dad"
    r"|father|mum|mom|mother|brother|sister|boyfriend|girlfriend|husband|wife|uncle|aunt"
    r"|cousin|neighbour|neighbor|teacher|friend|best\s+friend|son|daughter|boss|grandad"
    r"|grandpa|grandma|nan|stepbrother|stepsister)|(?:frère|frere|sœur|soeur|fils|fille|copain"
    r"|copine|cousin|cousine|broer|zus|zoon|dochter)\s+(?:de|d'|van)|tonton|tata|tatie|tantine"
    r"|papy|mamie|pépé|mémé|juf|meester|meneer|mevrouw|mevr\.?|dhr\.?"
    r"|mr\.?|mrs\.?|ms\.?|miss|sir|madame|mme|monsieur|m\.|mademoiselle|mlle|dokter|dr\.?"
    r"|docteur|doctor)(?!\w)\s*,?\s*))",
    IC,
)
# The relations and titles of NAME_TRIGGERS: after these a first name counts even where it is
# also an ordinary word ("mijn stiefpa tuur", "my stepdad mark").
RELATION_START = re.compile(
    r"^(?:(?:frère|frere|sœur|soeur|fils|fille|copain|copine|cousin|cousine|broer|zus|zoon"
    r"|dochter)\s+(?:de|d'|van)|tonton|tata|tatie|tantine|papy|mamie|pépé|mémé|mijn|m'n|mn|men"
    r"|mijne|ma|mon|my|onze|ons|our|notre|zijn|haar|his|her|son|sa|juf"
    r"|meester|meneer|mevrouw|mevr|dhr|mr|mrs|ms|miss|madame|mme|monsieur|mademoiselle|mlle"
    r"|dokter|dr|docteur|doctor)\b",
    IC,
)
# A word shaped like "c'est", "j'en", "qu'il", "l'autre": an elided French word, never a name
# when what follows the apostrophe is an ordinary word.
ELIDED = re.compile(r"(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)'(\w+)$", IC)
# Flemish diminutives of a first name: "jensje", "Lisa'ke", "Warreke", "Fienneke", "Wolfje".
DIMINUTIVE_SUFFIXES = ("'tje", "'ke", "'je", "'ken", "neke", "eke", "ske", "tje", "ken", "ke", "je")
# Words before a noun: a name-word right after them ("een roos", "une pierre") is the noun.
DETERMINERS = frozenset(
    [
        "een",
        "'n",
        "ne",
        "nen",
        "de",
        "het",
        "'t",
        "den",
        "geen",
        "elke",
        "veel",
        "un",
        "une",
        "le",
        "la",
        "les",
        "des",
        "du",
        "ce",
        "cet",
        "cette",
        "mon",
        "ton",
        "ta",
        "sa",
        "ma",
        "son",
        "mes",
        "tes",
        "ses",
        "nos",
        "vos",
        "leur",
        "leurs",
        "quelques",
        "chaque",
        "a",
        "an",
        "the",
        "some",
        "any",
        "no",
        "every",
    ]
)
# Triggers that name: after them a listed first name counts even where it is also a word
# ("ik heet iris", "je m'appelle fleur").
NAMING = re.compile(
    r"^(?:ik\s+heet|kheet|k\s+heet|ik\s+noem|mijn\s+naam\s+is|men\s+naam\s+is|mn\s+naam\s+is"
    r"|naam\s*:|je\s+m'appelle|je\s+m\s+appelle|jm'appelle|mon\s+nom\s+est|my\s+name\s+is"
    r"|my\s+name's|call\s+me)\b",
    IC,
)
# Titles: a capitalised title after another ("Madame, Monsieur") is no name.
TITLES = frozenset(
    "monsieur madame mademoiselle meneer mevrouw mevr mme mlle mr mrs ms miss sir dhr dokter"  # noqa: SIM905
    " docteur doctor dr juf meester madam".split()
)
# Triggers that say who someone is ("ik ben iris", "c'est fleur", "i'm will"): a listed first name
# that is also a word counts when the clause ends after it and it is no word for a state.
IDENTITY = re.compile(r"^(?:ik\s+ben|k\s+ben|kben|moi\s+c'est|c'est|c|i'?m|i\s+am)\b", IC)
STATE_WORDS = frozenset(
    [
        "moe",
        "bang",
        "ziek",
        "blij",
        "boos",
        "kwaad",
        "klaar",
        "zeker",
        "alleen",
        "triest",
        "zwanger",
        "beu",
        "kapot",
        "op",
        "thuis",
        "hier",
        "daar",
        "wakker",
        "gerust",
        "content",
        "fier",
        "jong",
        "oud",
        "groot",
        "klein",
        "dik",
        "dun",
        "mooi",
        "lelijk",
        "lief",
        "stout",
        "slim",
        "dom",
        "fatigue",
        "triste",
        "malade",
        "seul",
        "seule",
        "sure",
        "sur",
        "prete",
        "pret",
        "contente",
        "content",
        "desole",
        "desolee",
        "enceinte",
        "la",
        "perdu",
        "perdue",
        "fine",
        "ok",
        "okay",
        "sad",
        "scared",
        "alone",
        "tired",
        "sorry",
        "done",
        "ready",
        "happy",
        "angry",
        "pregnant",
        "lost",
        "here",
        "back",
        "young",
        "old",
        "fine",
        "sure",
        "free",
        "well",
        "sick",
        "busy",
        "home",
        "bien",
        "mal",
        "vrai",
        "faux",
        "normal",
        "normale",
        "joy",
        "hope",
        "faith",
        "honey",
        "sunny",
    ]
)
BOUNDARY_AFTER = re.compile(r"\s*(?:$|[,.!?;:()\n]|(?:en|et|and|maar|mais|but|uit|from)\b)", IC)
PLACE_PREPOSITIONS = frozenset(
    ["in", "uit", "te", "naar", "bij", "rond", "vlakbij", "nabij", "à", "au", "near", "from"]
)
STREET_SUFFIX = (
    r"straat|str\.|laan|lei|steenweg|stwg|weg|plein|dreef|baan|kaai|markt|hof|pad|dijk|vest"
    r"|singel|gracht|berg|veld|wijk|park|ring|heide|kouter|dam|brug|poort|hoek|vliet|akker"
    r"|gaarde|straatje|dries|bos|kade"
)
# A house number (1 to 3 digits: four are a postcode), a letter, a box: "12", "3A", "12 bus 3".
NUMBER = (
    r"(?:\d{1,3}(?!\d)|\d{4}(?=\s*(?:[,.;:)!?\n]|$|(?:bus|bte|boîte|boite|bt|b\.|à|te|in|op|en"
    r"|et|and)(?!\w))))(?:\s?[a-z](?![a-z]))?"
    r"(?:(?:\s*,?\s*(?:bus|bte\.?|boîte|boite|bt\.?)|\s*(?:b\.?|/|-))\s*\d{1,4}[a-z]?(?![a-z]))?"
)
HOUSE_NUMBER = re.compile(rf"\s*,?\s*(?:nr\.?\s*)?{NUMBER}(?![\w:.,/-]*\d)", IC)
ADDRESSES = [
    re.compile(
        rf"(?<![\w'\-])(?-i:[A-ZÀ-Ý][\w'\-]*\.?\s+){{0,2}}[\w'\-]*(?:{STREET_SUFFIX})\s*,?\s*"
        rf"{NUMBER}(?!\w)",
        IC,
    ),
    re.compile(
        r"\b(?:rue|avenue|av\.|chaussée|chée|boulevard|bd|place|chemin|allée|impasse|quai|clos"
        r"|square|route|drève)\s+(?:(?:de\s+la|de\s+l'|du|des|de|d'|la|le|l')\s*)?[\w'\-]+"
        rf"(?:\s+(?-i:[A-ZÀ-Ý])[\w'\-]+){{0,2}}\s*,?\s*{NUMBER}(?!\w)",
        IC,
    ),
    re.compile(
        r"\b\d{1,4}\s*,?\s+(?:rue|avenue|boulevard|chemin|allée|place|chaussée|chée|drève|quai"
        r"|square|impasse|clos|route)\s+(?:(?:de\s+la|de\s+l'|du"
        r"|des|de|d')\s*)?[\w'\-]+(?:\s+(?-i:[A-ZÀ-Ý])[\w'\-]+){0,2}",
        IC,
    ),
    # "au n° 27 de l'avenue des Tilleuls", "n°5 rue Haute", "nr. 12 van de Kerkstraat"
    re.compile(
        r"\b(?:n°|no\.?|nr\.?|numéro|nummer)\s*\d{1,4}[a-z]?(?:\s*(?:bte|boîte|bus|b\.)\s*\d{1,4})?"
        r"\s*,?\s*(?:(?:de|van)\s+(?:la\s+|l'|le\s+|de\s+|het\s+)?)?(?:rue|avenue|av\.|boulevard"
        r"|bd|chemin|allée|place|chaussée|chée|drève|quai|square|impasse|clos|route)\s+(?:(?:de\s+la"
        r"|de\s+l'|du|des|de|d')\s*)?[\w'\-]+(?:\s+(?-i:[A-ZÀ-Ý])[\w'\-]+){0,2}",
        IC,
    ),
    re.compile(
        r"\b\d{1,4}[a-z]?\s+(?:[A-Z][a-z]+\s+){1,2}(?:Street|St|Road|Rd|Lane|Avenue|Ave|Drive"
        r"|Close|Way|Crescent|Gardens|Place|Square)\b\.?",
    ),
]
INSTITUTION_SUFFIX = re.compile(
    r"(?<![\w\-])[\w\-]{3,}(?:college|instituut|atheneum|lyceum|school|ziekenhuis|kliniek)\b", IC
)
WORK_TRIGGER = re.compile(
    r"\b(?:werk|werkt|werken|werkte|job|stage|travaille|bosse|work|works|worked)\s+"
    r"(?:bij|in|voor|op|chez|à|au|at|for)\s+(?:de\s+|het\s+|'t\s+|la\s+|le\s+|the\s+)?"
    r"([\w'&\-]+(?:\s+(?-i:[A-Z])[\w'&\-]*){0,3})",
    IC,
)
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_.]{2,30}[A-Za-z0-9_]")
DISCORD = re.compile(r"\b[\w.]{2,32}#\d{4}\b")
PLATFORM = re.compile(
    r"\b(?:snap(?:chat)?|insta(?:gram)?|ig|tiktok|tt|discord|roblox|fortnite|minecraft|steam"
    r"|psn|xbox|gamertag|twitch|telegram|twitter|fb|facebook|pseudo|username|user|gebruikersnaam"
    r"|account|accountnaam|profiel|profile|handle|nickname|compte|naam\s+op\s+\w+)\b\s*(?:is|:|=|\-|est|c'est"
    r"|als|as|comme|naam|name|account|id|heet|noemt)?\s*:?\s*(?:als|as|comme)?\s*"
    r"(@?[\w.\-]{3,32}(?:#\d{4})?)",
    IC,
)
HANDLE_LIKE = re.compile(
    r"(?<![\w@./:{-])(?=[a-z0-9_.]*[a-z])(?:[a-z][a-z0-9.]*_[a-z0-9_.]*|[a-z]{2,}\d{2,}[a-z0-9_]*"
    r"|[a-z]{3,}\.[a-z]{3,}\d*|x+[a-z]+x+)(?![\w@/-])",
    IC,
)
