"""The words exports write on totals rows, in every UI language, and what each label covers.

One vocabulary for every format: ``Total``, ``Totals``, ``Total: Account``, ``Total - filtered``,
``Search total``, ``Gesamt``, ``Totaal``, ``Итого``, ``合計``… A format's :class:`TotalsRule` only
adds what is its own (Meta's ``All`` subtotals, a blank summary row, the field a ``Search total``
names).

The patterns are anchored so that names survive: ``Total Recall Q3`` is no label (no separator
after the word, and the word does not end the cell), ``Total: Account`` and ``Total - filtered``
are *strict* labels, ``Total`` alone and ``Search total`` are *loose* ones (a row counts as totals
on a loose label only when its entity cells are blank — see :mod:`mille.sources.totals`).

What a label covers decides how it is reconciled: ``Total: Campaigns`` sums the rows shown
(*whole*: rows and total must match); ``Total: Account``, ``Total: Other locations``,
``Total: All but removed keywords``, ``Total - filtered`` cover rows the view leaves out
(*covers_more*: rows below the total are expected, rows above it are a contradiction); a label
naming a value (``Total: Search``, ``Search total``) covers that segment's rows, removed
campaigns included, and is one-sided too; ``Total: Other locations`` is a bucket of items not
listed (*other*): it covers none of the rows and is not reconciled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Case-folded words for "total", longest first so that the alternation prefers `totals` to `total`.
TOTAL_WORDS: tuple[str, ...] = tuple(sorted({
    "total", "totals", "grand total", "subtotal", "sub-total",  # en
    "gesamt", "gesamtsumme", "gesamtergebnis", "insgesamt", "summe", "zwischensumme",  # de
    "totaux", "sous-total",  # fr ("total" as en)
    "totales", "totais", "total geral", "subtotales",  # es, pt
    "totaal", "subtotaal",  # nl
    "totale", "totali", "subtotale",  # it
    "итого", "всего",  # ru
    "suma", "razem", "łącznie",  # pl
    "toplam",  # tr
    "totalt", "i alt", "yhteensä", "celkem", "összesen", "sumă", "jumlah", "tổng", "tổng cộng",
    "σύνολο", "разом", "общо", "ukupno", "skupaj", "kokku", "iš viso", "kopā",
    "合計", "合计", "总计", "總計", "总和", "합계", "총계", "รวม", "المجموع", "الإجمالي", "סה\"כ",
}, key=lambda w: (-len(w), w)))
_CJK = ("合計", "合计", "总计", "總計", "总和", "합계", "총계", "รวม")

_WORDS = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in TOTAL_WORDS)
_CJK_WORDS = "|".join(_CJK)
# The patterns run both in Arrow (RE2: no look-around) and in Python `re`.
STRICT = rf"^(?:{_WORDS})(?:\s*[:：]\s*|\s+[-–—]+(?:\s+|$))(?P<rest>.*)$"
LOOSE = (
    rf"^(?:{_WORDS})$",  # Total, Totals, Gesamt, 合計
    rf"^(?:{_WORDS})\s+(?:general|geral|generale|général|génér\w*|globale?)$",  # Total general
    rf"^(?:{_WORDS})\s+(?:of|de|von|van|di|du)\s+\d[\d.,\s]*(?:\s+\w+)?$",  # Total of 12 results
    rf"^(?P<rest>\S.{{0,48}}?)\s+(?:{_WORDS})$",  # Search total, Performance Max total
    rf"^(?P<rest>\S.{{0,20}}?)\s*(?:{_CJK_WORDS})$",  # 帐户合计
)

_STRICT_RX = re.compile(STRICT, re.IGNORECASE)
_LOOSE_RX = tuple(re.compile(p, re.IGNORECASE) for p in LOOSE)



def _words(text: str) -> list[str]:
    return text.split()


# Rests that say the total covers more than the rows shown: the account, everything, the others,
# removed or filtered-out items, experiments. Matched on words, case-folded.
COVERS_MORE_WORDS = frozenset(_words("""
account accounts konto konten compte comptes cuenta cuentas conta contas account-gesamt
аккаунт аккаунта аккаунту аккаунты конто hesap hesabı konta アカウント 账户 帐户 帳戶 계정
all alle allen alles tous toutes tout todos todas todo tutti tutte tutto все всё wszystkie tümü 全部 すべて 모든
removed entfernt entfernte supprimé supprimés supprimée supprimées eliminado eliminados eliminada eliminadas
removido removidos removida removidas rimosso rimossi rimossa rimosse verwijderd verwijderde удалённые
удаленные usunięte kaldırılan 削除済み 已移除 已删除 삭제됨
filtered gefiltert gefilterte filtré filtrés filtrée filtrées filtrado filtrados filtrada filtradas filtrato
filtrati gefilterd отфильтрованные filtrowane filtrelenmiş
experiments experiment experimente expériences experimentos esperimenti experimenten эксперименты
"""))

# Rests that name a bucket of items the file does not list (`Total: Other locations`, `Total: Other
# search terms`): it covers none of the rows, so it is dropped and not reconciled.
OTHER_WORDS = frozenset(_words("""
other others andere anderen sonstige autres autre otros otras outros outras altri altre overige overig
другие другое inne pozostałe diğer その他 其他 기타
"""))

# Rests that name the rows shown: `Total: Campaigns` is the sum of the campaign rows listed.
SHOWN = frozenset(s.strip() for s in """
campaigns|campaign|ad groups|ad group|ads|ad|keywords|keyword|search keywords|search terms|search term|
ad sets|ad set|assets|asset groups|products|locations|matched locations|user locations|placements|
audiences|devices|networks|rows|results|items|listings|videos|extensions|
kampagnen|kampagne|anzeigengruppen|anzeigen|suchbegriffe|keywords|standorte|
campagnes|campagne|groupes d'annonces|annonces|mots clés|mots-clés|termes de recherche|
campañas|campaña|grupos de anuncios|anuncios|palabras clave|términos de búsqueda|
campanhas|campanha|grupos de anúncios|anúncios|palavras-chave|termos de pesquisa|
campagne pubblicitarie|gruppi di annunci|annunci|parole chiave|
campagnes|advertentiegroepen|advertenties|zoekwoorden|zoektermen|
кампании|группы объявлений|объявления|ключевые слова|поисковые запросы|
kampanie|grupy reklam|reklamy|słowa kluczowe|kampanyalar|reklam grupları|reklamlar|anahtar kelimeler|
キャンペーン|広告グループ|広告|キーワード|广告系列|广告组|广告|关键字|캠페인|광고그룹|광고|키워드
""".replace("\n", "").split("|") if s.strip())


@dataclass(frozen=True)
class Label:
    """A totals label read from a cell."""

    text: str
    strict: bool  # `Total: …`, `Total - …`: a label wherever it stands
    kind: str  # whole, covers_more, other or value
    value: str | None = None  # the segment a value label names (`Search` of `Search total`)

    @property
    def one_sided(self) -> bool:
        return self.kind != "whole"


def read_label(cell: str) -> Label | None:
    """The label in one cell, or None when the cell is not a totals label."""
    text = re.sub(r"\s+", " ", cell.replace("\u00a0", " ")).strip()
    if not text:
        return None
    m = _STRICT_RX.match(text)
    strict = m is not None
    if m is None:
        m = next((hit for rx in _LOOSE_RX if (hit := rx.match(text))), None)
        if m is None:
            return None
    rest = (m.groupdict().get("rest") or "").strip(" :-–—()")
    kind, value = classify(rest)
    return Label(text, strict, kind, value)


def classify(rest: str) -> tuple[str, str | None]:
    """What the words after (or before) the total word cover: whole, covers_more, other or a value."""
    folded = rest.casefold()
    if not folded or folded in SHOWN:
        return "whole", None
    words = set(re.findall(r"[^\W\d_]+", folded))
    if words & OTHER_WORDS:
        return "other", None
    if words & COVERS_MORE_WORDS:
        return "covers_more", None
    return "value", rest
