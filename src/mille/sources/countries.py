"""Country names as exports write them, to ISO 3166-1 alpha-2 codes.

Google Ads writes ``United States``, Meta writes ``US``, Microsoft writes ``United States`` too.
``country`` is stored as the two-letter code; a name mille does not know is kept as written (and
reported), never dropped. The table covers the markets B2B advertisers report on; add to it here.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

_NAMES = """
AE United Arab Emirates|UAE
AR Argentina
AT Austria|Österreich
AU Australia
BE Belgium|België|Belgique
BG Bulgaria
BR Brazil|Brasil
CA Canada
CH Switzerland|Schweiz|Suisse
CL Chile
CN China
CO Colombia
CZ Czechia|Czech Republic
DE Germany|Deutschland|Allemagne|Alemanha|Alemania|Duitsland
DK Denmark|Danmark
EE Estonia
EG Egypt
ES Spain|España|Espanha|Espagne|Spanje
FI Finland|Suomi
FR France|Frankreich|Frankrijk|França|Francia
GB United Kingdom|UK|Great Britain|Vereinigtes Königreich|Royaume-Uni|Reino Unido|Verenigd Koninkrijk
GH Ghana
GR Greece|Ελλάδα
HK Hong Kong
HR Croatia
HU Hungary
ID Indonesia
IE Ireland
IL Israel
IN India|Indien|Inde
IT Italy|Italia|Italien|Italie|Itália
JP Japan|Japon|Japão|Japón
KE Kenya
KR South Korea|Korea|Republic of Korea
LT Lithuania
LU Luxembourg
LV Latvia
MA Morocco
MX Mexico|México|Mexique
MY Malaysia
NG Nigeria
NL Netherlands|Nederland|The Netherlands|Niederlande|Pays-Bas|Países Bajos|Holanda
NO Norway|Norge
NZ New Zealand
PE Peru|Perú
PH Philippines
PK Pakistan
PL Poland|Polska|Polen|Pologne|Polônia
PT Portugal
RO Romania
RS Serbia
SA Saudi Arabia
SE Sweden|Sverige|Schweden|Suède|Suécia
SG Singapore
SI Slovenia
SK Slovakia
TH Thailand
TR Turkey|Türkiye
TW Taiwan
UA Ukraine
US United States|United States of America|USA|Vereinigte Staaten|États-Unis|Estados Unidos|Verenigde Staten
VN Vietnam|Viet Nam
ZA South Africa
"""

NAME_TO_CODE: dict[str, str] = {}
for _line in _NAMES.strip().splitlines():
    _code, _names = _line.split(" ", 1)
    NAME_TO_CODE[_code.casefold()] = _code
    for _name in _names.split("|"):
        NAME_TO_CODE[_name.strip().casefold()] = _code


def to_codes(column: pa.Array) -> tuple[pa.Array, list[str]]:
    """ISO-2 codes for a column of names or codes, and the names that were not recognised."""
    if len(column) == 0:
        return column, []
    distinct = pc.unique(column)  # a few dozen countries over millions of rows
    index = pc.index_in(pc.utf8_lower(distinct), value_set=pa.array(list(NAME_TO_CODE)))
    mapped = pc.coalesce(pc.take(pa.array(list(NAME_TO_CODE.values())), index), distinct)
    unknown = pc.filter(distinct, pc.and_(pc.is_valid(distinct), pc.is_null(index))).to_pylist()
    return pc.take(mapped, pc.index_in(column, value_set=distinct)), sorted(u for u in unknown if u)
