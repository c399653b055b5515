"""Decoding accuracy: does every input path store legacy-encoded text exactly as it was written?

    python bench/decoding.py [--data PATH] [--json OUT]

Builds its own corpus: known texts (a headline line and a paragraph, invented, in 23 languages;
``--data`` takes a JSONL of ``{"text": ..., "language": ...}`` records instead), each encoded in every
one of 38 encodings that can represent it, with no declaration and no byte-order mark. Each sample
is written as a ``.txt`` file, an ``.html`` page and an RSS feed, read back through the product's
own ``iter_documents`` and compared with what the same file gives in UTF-8: the text file's and
the page's content and the feed entry's title and body must come back exactly. Beside it, in the
same run and on the same bytes, the plain guess: ``str(charset_normalizer.from_bytes(file).best())``
must equal the file's text; for feeds also feedparser's own decoding of the bytes (what storyline
did before it decoded feeds itself). Also counted: how many inexact readings carried a warning (doubt
reported, not stored silently) and how many exact ones carried one anyway (needless doubt).

Prints one ``name value`` per line and writes every figure, with the failures, as JSON.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import feedparser
from charset_normalizer import from_bytes

from storyline.ingest.sources import iter_documents
from storyline.models import Document

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "decoding.json"
KINDS = ("txt", "html", "feed")

ENCODINGS = (
    "utf-8",
    "utf-16-le",
    "utf-16-be",
    "utf-32-le",
    "utf-32-be",
    "cp1250",
    "cp1251",
    "cp1252",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "iso-8859-1",
    "iso-8859-2",
    "iso-8859-5",
    "iso-8859-7",
    "iso-8859-8",
    "iso-8859-9",
    "iso-8859-13",
    "iso-8859-15",
    "koi8-r",
    "koi8-u",
    "cp866",
    "mac-roman",
    "tis-620",
    "shift_jis",
    "cp932",
    "euc-jp",
    "iso-2022-jp",
    "gb2312",
    "gbk",
    "gb18030",
    "big5",
    "cp950",
    "euc-kr",
    "cp949",
    "iso-2022-kr",
)

# Invented news texts: the first line is the headline. Nothing here is copied from anywhere.
CORPUS: tuple[tuple[str, str], ...] = (
    (
        "en",
        "Council approves harbour budget after long night\nThe harbour council approved a "
        "revised budget early on Tuesday after nine hours of debate. Members said the plan "
        "keeps the ferry running through winter, while critics called the repair fund “far "
        "too small” for the ageing piers.",
    ),
    (
        "en",
        "Glacier study finds faster retreat\nResearchers measuring the northern glacier say "
        "it lost almost twice as much ice this summer as in an average year. The team plans "
        "to install three more stations before the first snow.",
    ),
    (
        "fr",
        "Le conseil municipal adopte le budget du port\nAprès neuf heures de débat, le "
        "conseil a adopté mardi matin un budget révisé. Selon la maire, le traversier "
        "continuera de circuler tout l’hiver, mais l’opposition juge le fonds de réparation "
        "« beaucoup trop modeste » pour des quais vieillissants.",
    ),
    (
        "fr",
        "Grève des cheminots : trafic très perturbé jeudi\nLa direction prévoit un train sur "
        "trois sur les grandes lignes. Les syndicats réclament une hausse des salaires et "
        "dénoncent la fermeture de guichets dans les gares rurales, où les voyageurs âgés "
        "n’ont pas d’autre choix.",
    ),
    (
        "de",
        "Stadtrat beschließt Haushalt für den Hafen\nNach neunstündiger Debatte hat der "
        "Stadtrat am Dienstagmorgen einen überarbeiteten Haushalt verabschiedet. Die Fähre "
        "soll den ganzen Winter über fahren, doch Kritiker halten den Reparaturfonds für die "
        "maroden Anlegestellen für viel zu klein.",
    ),
    (
        "de",
        "Gletscher schmilzt schneller als erwartet\nForscher berichten, dass der nördliche "
        "Gletscher in diesem Sommer fast doppelt so viel Eis verloren hat wie in einem "
        "durchschnittlichen Jahr. Bis zum ersten Schnee sollen drei weitere Messstationen "
        "aufgebaut werden, größere Geräte folgen im Frühjahr.",
    ),
    (
        "es",
        "El ayuntamiento aprueba el presupuesto del puerto\nTras nueve horas de debate, los "
        "concejales aprobaron el martes un presupuesto revisado. El alcalde aseguró que el "
        "transbordador seguirá funcionando todo el invierno, aunque la oposición considera "
        "que el fondo de reparación es “demasiado pequeño” para los muelles más antiguos.",
    ),
    (
        "pt",
        "Câmara aprova orçamento do porto após longa sessão\nDepois de nove horas de debate, "
        "os vereadores aprovaram na terça-feira um orçamento revisto. A presidente garantiu "
        "que a travessia de barco continuará durante o inverno, mas a oposição diz que o "
        "fundo para reparações é insuficiente para os cais mais antigos.",
    ),
    (
        "it",
        "Il consiglio comunale approva il bilancio del porto\nDopo nove ore di discussione, "
        "martedì mattina il consiglio ha approvato un bilancio rivisto. Il sindaco ha detto "
        "che il traghetto continuerà a navigare per tutto l’inverno, ma secondo "
        "l’opposizione il fondo per le riparazioni è troppo piccolo perché le banchine più "
        "vecchie reggano ancora a lungo.",
    ),
    (
        "cs",
        "Už týdny cloumá českou politikou spor o rozpočet přístavu\nZastupitelé po "
        "devítihodinové debatě v úterý ráno schválili upravený rozpočet. Starostka tvrdí, že "
        "trajekt bude jezdit celou zimu, ale opozice považuje fond na opravy stárnoucích mol "
        "za příliš malý a žádá nové posouzení.",
    ),
    (
        "cs",
        "Ledovec ustupuje rychleji, než vědci čekali\nVýzkumníci, kteří měří severní ledovec, "
        "říkají, že letos v létě ztratil téměř dvakrát víc ledu než v průměrném roce. Před "
        "prvním sněhem chtějí postavit ještě tři měřicí stanice a příští jaro přivézt větší "
        "přístroje.",
    ),
    (
        "pl",
        "Rada miasta przyjęła budżet portu po długiej nocy\nPo dziewięciu godzinach debaty "
        "radni przyjęli we wtorek rano poprawiony budżet. Burmistrz zapewnia, że prom będzie "
        "kursował przez całą zimę, jednak opozycja uważa, że fundusz na naprawę starzejących "
        "się nabrzeży jest zdecydowanie za mały.",
    ),
    (
        "hu",
        "Hosszú éjszaka után elfogadták a kikötő költségvetését\nKilencórás vita után a "
        "képviselők kedd reggel elfogadták a módosított költségvetést. A polgármester "
        "szerint a komp egész télen közlekedik, az ellenzék azonban túl kevésnek tartja az "
        "öregedő mólók felújítására szánt összeget.",
    ),
    (
        "tr",
        "Belediye meclisi liman bütçesini kabul etti\nDokuz saat süren tartışmanın ardından "
        "meclis üyeleri salı sabahı revize edilmiş bütçeyi onayladı. Belediye başkanı "
        "feribotun kış boyunca çalışacağını söyledi; muhalefet ise eskiyen iskelelerin "
        "onarımı için ayrılan fonun çok küçük olduğunu düşünüyor.",
    ),
    (
        "tr",
        "Buzul beklenenden hızlı eriyor\nKuzeydeki buzulu ölçen araştırmacılar, bu yaz "
        "buzulun ortalama bir yıla göre neredeyse iki kat fazla buz kaybettiğini açıkladı. "
        "Ekip, ilk kar yağmadan önce üç ölçüm istasyonu daha kurmayı planlıyor.",
    ),
    (
        "ru",
        "Городской совет утвердил бюджет порта после долгой ночи\nПосле девяти часов "
        "обсуждения депутаты во вторник утром приняли исправленный бюджет. Мэр заверила, что "
        "паром будет ходить всю зиму, однако оппозиция считает фонд на ремонт старых "
        "причалов слишком маленьким.",
    ),
    (
        "ru",
        "Ледник тает быстрее, чем ожидали учёные\nИсследователи, которые измеряют северный "
        "ледник, сообщили, что этим летом он потерял почти вдвое больше льда, чем в обычный "
        "год. До первого снега команда хочет установить ещё три измерительные станции.",
    ),
    (
        "uk",
        "Міська рада ухвалила бюджет порту після довгої ночі\nПісля дев'яти годин дискусії "
        "депутати у вівторок вранці затвердили виправлений бюджет. Мер запевнила, що пором "
        "курсуватиме всю зиму, проте опозиція вважає, що фонд на ремонт старих причалів "
        "замалий.",
    ),
    (
        "bg",
        "Общинският съвет прие бюджета на пристанището\nСлед девет часа дебати съветниците "
        "одобриха във вторник сутринта поправения бюджет. Кметът увери, че фериботът ще "
        "работи през цялата зима, но опозицията смята, че фондът за ремонт на старите кейове "
        "е твърде малък.",
    ),
    (
        "el",
        "Το δημοτικό συμβούλιο ενέκρινε τον προϋπολογισμό του λιμανιού\nΜετά από εννέα ώρες "
        "συζήτησης, οι σύμβουλοι ενέκριναν την Τρίτη το πρωί τον αναθεωρημένο προϋπολογισμό. "
        "Η δήμαρχος διαβεβαίωσε ότι το πλοίο θα εκτελεί δρομολόγια όλο τον χειμώνα, όμως η "
        "αντιπολίτευση θεωρεί το ταμείο επισκευών πολύ μικρό.",
    ),
    (
        "he",
        "מועצת העיר אישרה את תקציב הנמל אחרי לילה ארוך\nלאחר תשע שעות של דיון אישרו חברי "
        "המועצה ביום שלישי בבוקר תקציב מתוקן. ראש העיר אמרה שהמעבורת תמשיך לפעול כל החורף, "
        "אבל האופוזיציה טוענת שהקרן לתיקון המזחים הישנים קטנה מדי.",
    ),
    (
        "ar",
        "مجلس المدينة يقر ميزانية الميناء بعد ليلة طويلة\nبعد تسع ساعات من النقاش، أقر أعضاء "
        "المجلس صباح الثلاثاء ميزانية معدلة. وقالت رئيسة البلدية إن العبارة ستواصل العمل "
        "طوال الشتاء، لكن المعارضة ترى أن صندوق إصلاح الأرصفة القديمة صغير جدا.",
    ),
    (
        "th",
        "สภาเมืองอนุมัติงบประมาณท่าเรือหลังประชุมยาวนาน\nหลังจากอภิปรายนานเก้าชั่วโมง "
        "สมาชิกสภาได้อนุมัติงบประมาณฉบับแก้ไขเมื่อเช้าวันอังคาร "
        "นายกเทศมนตรีกล่าวว่าเรือข้ามฟากจะให้บริการตลอดฤดูหนาว "
        "แต่ฝ่ายค้านเห็นว่ากองทุนซ่อมแซมท่าเทียบเรือเก่ายังน้อยเกินไป",
    ),
    (
        "ja",
        "市議会、長い夜の末に港の予算案を可決\n九時間に及ぶ議論の末、市議会は火曜日の朝、修正"
        "予算案を可決した。市長はフェリーが冬の間も運航を続けると説明したが、野党は古い桟橋の"
        "修理基金が少なすぎると批判している。",
    ),
    (
        "ja",
        "北部の氷河、予想より速く後退\n北部の氷河を観測している研究チームによると、今年の夏に"
        "失われた氷の量は平年のほぼ二倍だった。チームは初雪の前に観測所をさらに三か所設置する"
        "計画だ。",
    ),
    (
        "zh-Hans",
        "市议会经过漫长讨论通过港口预算\n经过九个小时的辩论，市议员们于星期二早上通过了修订后"
        "的预算。市长表示，渡轮将在整个冬季继续运营，但反对派认为用于修复老旧码头的基金太少。",
    ),
    (
        "zh-Hans",
        "北方冰川退缩速度超出预期\n测量北方冰川的研究人员说，今年夏天冰川损失的冰量几乎是平常"
        "年份的两倍。研究小组计划在第一场雪之前再建三个观测站。",
    ),
    (
        "zh-Hant",
        "市議會經過漫長討論通過港口預算\n經過九個小時的辯論，市議員們於星期二早上通過了修訂後"
        "的預算。市長表示，渡輪將在整個冬季繼續營運，但反對派認為用於修復老舊碼頭的基金太少。",
    ),
    (
        "ko",
        "시의회, 긴 밤 끝에 항구 예산안 통과\n아홉 시간 동안의 토론 끝에 시의원들은 화요일 "
        "아침 수정된 예산안을 통과시켰다. 시장은 여객선이 겨울 내내 운항을 계속할 것이라고 "
        "말했지만, 야당은 낡은 부두를 보수하기 위한 기금이 너무 적다고 비판했다.",
    ),
    (
        "lt",
        "Miesto taryba po ilgos nakties patvirtino uosto biudžetą\nPo devynių valandų "
        "diskusijų tarybos nariai antradienio rytą patvirtino pataisytą biudžetą. Merė "
        "tvirtina, kad keltas kursuos visą žiemą, tačiau opozicija mano, kad senų prieplaukų "
        "remonto fondas per mažas.",
    ),
    (
        "vi",
        "Hội đồng thành phố thông qua ngân sách cảng sau đêm dài\nSau chín giờ tranh luận, "
        "các ủy viên hội đồng đã thông qua ngân sách sửa đổi vào sáng thứ Ba. Thị trưởng cho "
        "biết phà sẽ tiếp tục hoạt động suốt mùa đông, nhưng phe đối lập cho rằng quỹ sửa "
        "chữa các bến cũ quá nhỏ.",
    ),
)


@dataclass(frozen=True)
class Sample:
    language: str
    encoding: str
    kind: str
    text: str  # the record's text, title line first
    ours: bool  # storyline read it back exactly
    plain: bool  # charset_normalizer's best guess decoded the file exactly
    warned: bool  # storyline's document carried a warning
    feedparser: bool | None = None  # feeds: feedparser, given the bytes, read the entry exactly


def file_text(kind: str, text: str) -> str:
    """The whole file for one kind of input: markup is ASCII, so every encoding can hold it."""
    title, _, body = text.partition("\n")
    if kind == "txt":
        return text
    if kind == "html":
        paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in body.splitlines())
        return (
            f"<!DOCTYPE html>\n<html><head><title>{html.escape(title)}</title></head>\n"
            f"<body>\n<h1>{html.escape(title)}</h1>\n{paragraphs}</body></html>\n"
        )
    return (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Wire</title>\n'
        f"<item><title>{html.escape(title)}</title>\n"
        f"<description>{html.escape(body)}</description></item>\n</channel></rss>\n"
    )


def read_back(path: Path) -> tuple[tuple[str | None, str] | None, bool]:
    """What storyline made of a file (title and content of its one document), and if it warned."""
    items = list(iter_documents([str(path)]))
    if len(items) != 1 or not isinstance(items[0], Document):
        return None, False
    doc = items[0]
    return (doc.supplied.title, doc.content), bool(doc.warnings)


def feedparser_reading(raw: bytes) -> tuple[str | None, str] | None:
    """The first entry's title and summary as feedparser decodes the bytes itself (the old path)."""
    entries = feedparser.parse(io.BytesIO(raw)).entries
    if not entries:
        return None
    return entries[0].get("title"), entries[0].get("summary", "")


def samples(records: Iterable[tuple[str, str]], folder: Path) -> Iterator[Sample]:
    """Every record in every encoding that can write it, as each kind of input.

    The reference is what storyline makes of the same file in UTF-8, so that what the feed parser
    does to an entry's text (it normalises some markup) is not counted as a decoding error.
    """
    suffix = {"txt": ".txt", "html": ".html", "feed": ".xml"}
    for number, (language, text) in enumerate(records):
        for kind in KINDS:
            content = file_text(kind, text)
            path = folder / f"{number}{suffix[kind]}"
            path.write_bytes(content.encode())
            reference, _ = read_back(path)
            for encoding in ENCODINGS:
                try:
                    raw = content.encode(encoding)
                except UnicodeEncodeError:
                    continue  # this encoding cannot write this text
                path.write_bytes(raw)
                best = from_bytes(raw).best()
                got, warned = read_back(path)
                plain = best is not None and str(best) == content
                exact = reference is not None and got == reference
                own = feedparser_reading(raw) == reference if kind == "feed" else None
                yield Sample(language, encoding, kind, text, exact, plain, warned, own)
            path.unlink()


def load(path: Path | None) -> list[tuple[str, str]]:
    if path is None:
        return list(CORPUS)
    records = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                records.append((str(record.get("language") or "unknown"), str(record["text"])))
    return records


def rate(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 0.0


def figures(results: list[Sample]) -> dict[str, float]:
    out: dict[str, float] = {}

    def group(prefix: str, members: list[Sample]) -> None:
        out[f"{prefix}.samples"] = len(members)
        out[f"{prefix}.ours.exact"] = rate(sum(s.ours for s in members), len(members))
        out[f"{prefix}.plain.exact"] = rate(sum(s.plain for s in members), len(members))

    group("decoding", results)
    wrong = [s for s in results if not s.ours]
    right = [s for s in results if s.ours]
    out["decoding.ours.inexact"] = len(wrong)
    out["decoding.ours.inexact_with_warning"] = sum(s.warned for s in wrong)
    out["decoding.ours.exact_with_warning"] = sum(s.warned for s in right)
    out["decoding.languages"] = len({s.language for s in results})
    out["decoding.encodings"] = len({s.encoding for s in results})
    for kind in KINDS:
        group(f"decoding.kind.{kind}", [s for s in results if s.kind == kind])
    feeds = [s for s in results if s.feedparser is not None]
    out["decoding.kind.feed.feedparser.exact"] = rate(sum(bool(s.feedparser) for s in feeds), len(feeds))
    for encoding in ENCODINGS:
        members = [s for s in results if s.encoding == encoding]
        if members:
            group(f"decoding.encoding.{encoding}", members)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, help='JSONL of {"text": ..., "language": ...} records')
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = list(samples(load(args.data), Path(folder)))
    out = figures(results)
    encodings = [e for e in ENCODINGS if f"decoding.encoding.{e}.samples" in out]
    worst = {
        who: min(encodings, key=lambda e: out[f"decoding.encoding.{e}.{who}.exact"])
        for who in ("ours", "plain")
    }
    for who, encoding in worst.items():
        out[f"decoding.worst.{who}.exact"] = out[f"decoding.encoding.{encoding}.{who}.exact"]
    below = [
        e
        for e in encodings
        if out[f"decoding.encoding.{e}.ours.exact"] < out[f"decoding.encoding.{e}.plain.exact"]
    ]
    out["decoding.encodings_below_plain"] = len(below)
    for name, value in out.items():
        print(name, value)
    for who, encoding in worst.items():
        print(f"decoding.worst.{who}.encoding", encoding)
    failures = [asdict(s) for s in results if not s.ours]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {"figures": out, "worst": worst, "below_plain": below, "failures": failures},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
