"""Which locale codes exist: ISO 639-1 languages, with an optional script and region.

Strapi offers a fixed list of locale codes (``en``, ``fr-FR``, ``zh-Hans``,
``es-419``...); a code outside it is refused. The same shape is accepted
here: a two-letter ISO 639-1 language in lower case, then optionally an
ISO 15924 script in title case and an ISO 3166-1 region in upper case (or
the UN M.49 region ``419``, Latin America), joined by hyphens. A code that
is not one is a ValueError naming the closest known code, so a typo
(``fr-fr``, ``frr``) says what was meant.
"""

from __future__ import annotations

import difflib

__all__ = ["LANGUAGES", "check_code", "default_name"]

#: ISO 639-1 code -> English name.
LANGUAGES: dict[str, str] = dict(item.split(" ", 1) for item in (
    "aa Afar|ab Abkhazian|ae Avestan|af Afrikaans|ak Akan|am Amharic|an Aragonese|ar Arabic|as Assamese|"
    "av Avaric|ay Aymara|az Azerbaijani|ba Bashkir|be Belarusian|bg Bulgarian|bi Bislama|bm Bambara|"
    "bn Bengali|bo Tibetan|br Breton|bs Bosnian|ca Catalan|ce Chechen|ch Chamorro|co Corsican|cr Cree|"
    "cs Czech|cu Church Slavic|cv Chuvash|cy Welsh|da Danish|de German|dv Divehi|dz Dzongkha|ee Ewe|"
    "el Greek|en English|eo Esperanto|es Spanish|et Estonian|eu Basque|fa Persian|ff Fulah|fi Finnish|"
    "fj Fijian|fo Faroese|fr French|fy Western Frisian|ga Irish|gd Scottish Gaelic|gl Galician|gn Guarani|"
    "gu Gujarati|gv Manx|ha Hausa|he Hebrew|hi Hindi|ho Hiri Motu|hr Croatian|ht Haitian|hu Hungarian|"
    "hy Armenian|hz Herero|ia Interlingua|id Indonesian|ie Interlingue|ig Igbo|ii Sichuan Yi|ik Inupiaq|"
    "io Ido|is Icelandic|it Italian|iu Inuktitut|ja Japanese|jv Javanese|ka Georgian|kg Kongo|ki Kikuyu|"
    "kj Kuanyama|kk Kazakh|kl Kalaallisut|km Khmer|kn Kannada|ko Korean|kr Kanuri|ks Kashmiri|ku Kurdish|"
    "kv Komi|kw Cornish|ky Kyrgyz|la Latin|lb Luxembourgish|lg Ganda|li Limburgish|ln Lingala|lo Lao|"
    "lt Lithuanian|lu Luba-Katanga|lv Latvian|mg Malagasy|mh Marshallese|mi Maori|mk Macedonian|"
    "ml Malayalam|mn Mongolian|mr Marathi|ms Malay|mt Maltese|my Burmese|na Nauru|nb Norwegian Bokmål|"
    "nd North Ndebele|ne Nepali|ng Ndonga|nl Dutch|nn Norwegian Nynorsk|no Norwegian|nr South Ndebele|"
    "nv Navajo|ny Nyanja|oc Occitan|oj Ojibwa|om Oromo|or Odia|os Ossetic|pa Punjabi|pi Pali|pl Polish|"
    "ps Pashto|pt Portuguese|qu Quechua|rm Romansh|rn Rundi|ro Romanian|ru Russian|rw Kinyarwanda|"
    "sa Sanskrit|sc Sardinian|sd Sindhi|se Northern Sami|sg Sango|si Sinhala|sk Slovak|sl Slovenian|"
    "sm Samoan|sn Shona|so Somali|sq Albanian|sr Serbian|ss Swati|st Southern Sotho|su Sundanese|"
    "sv Swedish|sw Swahili|ta Tamil|te Telugu|tg Tajik|th Thai|ti Tigrinya|tk Turkmen|tl Tagalog|"
    "tn Tswana|to Tongan|tr Turkish|ts Tsonga|tt Tatar|tw Twi|ty Tahitian|ug Uyghur|uk Ukrainian|ur Urdu|"
    "uz Uzbek|ve Venda|vi Vietnamese|vo Volapük|wa Walloon|wo Wolof|xh Xhosa|yi Yiddish|yo Yoruba|"
    "za Zhuang|zh Chinese|zu Zulu"
).split("|"))

#: ISO 15924 scripts that locale codes use.
SCRIPTS = frozenset("Adlm Arab Armn Beng Cyrl Deva Ethi Geor Grek Guru Hans Hant Hebr Jpan Khmr Knda Kore "
                    "Laoo Latn Mlym Mong Mymr Olck Sinh Taml Telu Tfng Thaa Thai Tibt Vaii".split())

#: ISO 3166-1 alpha-2 regions, and 419 (Latin America).
REGIONS = frozenset((
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV "
    "BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES "
    "ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE "
    "IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY "
    "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU "
    "NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM "
    "SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE "
    "VG VI VN VU WF WS YE YT ZA ZM ZW 419").split())


def _known(code: str) -> bool:
    parts = code.split("-")
    if parts[0] not in LANGUAGES or len(parts) > 3:
        return False
    rest = parts[1:]
    if rest and rest[0] in SCRIPTS:
        rest = rest[1:]
    return not rest or (len(rest) == 1 and rest[0] in REGIONS)


def _canonical(code: str) -> str:
    """``code`` in the canonical case (``fr-fr`` -> ``fr-FR``, ``zh-hans`` -> ``zh-Hans``)."""
    parts = code.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.title() if len(part) == 4 else part.upper())
    return "-".join(out)


def check_code(code: object) -> str:
    """``code`` if it is a known locale code; else a ValueError naming the closest one."""
    if not isinstance(code, str) or not code:
        raise ValueError(f"a locale code is a string such as 'en' or 'fr-FR', not {code!r}")
    if _known(code):
        return code
    fixed = _canonical(code)
    if fixed != code and _known(fixed):
        raise ValueError(f"unknown locale code {code!r}; did you mean {fixed!r}?")
    close = difflib.get_close_matches(code.split("-")[0].lower(), LANGUAGES, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r} ({LANGUAGES[close[0]]})?" if close else ""
    raise ValueError(f"unknown locale code {code!r} (ISO 639-1 language, optional script and region){hint}")


def default_name(code: str) -> str:
    """The name Strapi gives a locale: ``English (en)``, ``French (fr-FR)``."""
    return f"{LANGUAGES[code.split('-')[0]]} ({code})"
