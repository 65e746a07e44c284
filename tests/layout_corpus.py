"""A seeded generator of varied briefs, for testing the layout on briefs nobody tuned it for.

`generate(seed)` returns the YAML text of one brief. Each seed draws its own mix: summaries of
1–12 sentences, 0–8 key messages, 1–30 blocks per section, 0–60 notes, long titles, long URLs,
many authors, quotations of 1–15 lines, 1–12 actions per recommendation group, in English,
Korean, Chinese, Japanese or Arabic. `python tests/layout_corpus.py SEED FOLDER` writes one, so
that any failing seed can be built and looked at by hand.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import yaml

ENGLISH = (
    "refugees asylum border detention deportation camp authorities government police court "
    "lawyers families children women registration protection status returns officials "
    "survivors trafficking shelter documents interviews evidence monitoring agency report "
    "province villages crossing smugglers brokers employers wages debts rations clinic "
    "minority citizenship statelessness verification tribunal appeal hearing commission "
    "mandate observers journalists"
).split()
VERBS = ("reported detaining held returned denied recorded confirmed documented refused "
         "described deported registered interviewed estimated").split()
KOREAN = ("난민 국경 구금 송환 정부 당국 경찰 법원 가족 아이들 여성 보호 지위 증거 보고서 "
          "인권 단체 조사 면담 증언 피해자 인신매매 브로커 수용소 국제법").split()
KOREAN_ENDINGS = ("했습니다", "됩니다", "있습니다", "거칩니다", "밝혔습니다")
CHINESE = "难民 边境 拘留 遣返 政府 当局 警察 法院 家庭 儿童 妇女 保护 地位 证据 报告 人权 组织 调查".split()
JAPANESE = "難民 国境 拘束 送還 政府 当局 警察 裁判所 家族 子ども 女性 保護 地位 証拠 報告 人権 団体 調査".split()
ARABIC = ("اللاجئين الحدود الاحتجاز الترحيل الحكومة السلطات الشرطة المحكمة الأسر الأطفال "
          "النساء الحماية الوضع الأدلة التقرير حقوق المنظمة التحقيق").split()
ORGANISATIONS = ("Human Rights Watch", "Amnesty International", "UN High Commissioner for "
                 "Refugees", "Office of the UN High Commissioner for Human Rights",
                 "International Organization for Migration", "Refugees International")
FAMILIES = ("Rahman Chowdhury Banerjee Okafor Lindqvist Haddad Moreno Tanaka Kowalski Mensah "
            "Fitzgerald Nakamura Abdullah Petrov Silva Nguyen").split()
GIVENS = "Amina Rajesh Sofia Kwame Ingrid Omar Lucia Kenji Marta Yaw Saoirse Aiko Farid".split()


class Writer:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        # Every eighth brief in each script, so that a handful of seeds covers them all.
        self.language = ("en", "ko", "en", "zh", "en", "ar", "en", "ja")[seed % 8]

    def words(self, count: int) -> str:
        r = self.random
        if self.language == "ko":
            return " ".join(r.choice(KOREAN) for _ in range(count))
        if self.language == "zh":
            return "".join(r.choice(CHINESE) for _ in range(count))
        if self.language == "ja":
            return "の".join(r.choice(JAPANESE) for _ in range(count))
        if self.language == "ar":
            return " ".join(r.choice(ARABIC) for _ in range(count))
        pool = ENGLISH + VERBS
        return " ".join(r.choice(pool) for _ in range(count))

    def sentence(self, cite: str = "", low: int = 8, high: int = 26) -> str:
        text = self.words(self.random.randint(low, high))
        stop = {"zh": "。", "ja": "。", "ar": "."}.get(self.language, ".")
        if self.language == "en":
            text = text[0].upper() + text[1:]
        # Korean, Chinese and Japanese put the citation before the full stop, with no space
        # in Chinese and Japanese; English and Korean with one.
        glue = "" if self.language in ("zh", "ja") else " "
        return f"{text}{glue}{cite}{stop}" if cite else text + stop


def _source(r: random.Random, index: int, writer: Writer) -> dict:
    kind = r.choice(["report", "webpage", "article-journal", "article-newspaper"])
    year = r.randint(2012, 2024)
    title = writer.words(r.randint(3, 14)).title() if writer.language == "en" else \
        writer.words(r.randint(3, 9))
    if r.random() < 0.5:
        title = f"{r.choice(['India', 'Myanmar', 'Thailand', 'China'])}: {title}"
    item: dict = {"id": f"s{index}", "type": kind, "title": title, "issued": year}
    if kind in ("report", "webpage"):
        item["author"] = [{"literal": r.choice(ORGANISATIONS)}]
    else:
        item["author"] = [{"family": r.choice(FAMILIES), "given": r.choice(GIVENS)}
                          for _ in range(r.choice([1, 1, 2, 3, 7]))]
    if kind == "article-journal":
        first = r.randint(1, 900)
        item |= {"container-title": "Journal of " + writer.words(3).title(),
                 "volume": r.randint(1, 40), "page": f"{first}-{first + r.randint(5, 40)}"}
    if kind == "article-newspaper":
        item["container-title"] = r.choice(["Reuters", "The Hindu", "Al Jazeera"])
    if kind != "article-journal" or r.random() < 0.3:
        slug = "-".join(writer.words(r.randint(4, 12)).split()) if writer.language == "en" \
            else "report-" + "-".join(r.choice(ENGLISH) for _ in range(r.randint(4, 10)))
        host = r.choice(["www.hrw.org/news", "www.ohchr.org/en/press-releases",
                         "www.reuters.com/world/asia-pacific", "www.unhcr.org/news/stories"])
        item["URL"] = f"https://{host}/{year}/{r.randint(1, 12):02d}/{slug}?lang=en&ref=brief"
    return item


def generate(seed: int, layout: str = "brief", style: str = "chicago-note") -> str:
    """The YAML text of one brief, the same for the same arguments."""
    writer = Writer(seed)
    r = writer.random
    sources = [_source(r, i, writer) for i in range(r.randint(3, 16))]
    note_budget = r.choice([0, 5, 20, 40, 60])
    cited = set()

    def cite(chance: float = 1.0) -> str:
        nonlocal note_budget
        if note_budget <= 0 or r.random() > chance:
            return ""
        note_budget -= 1
        source = r.choice(sources)
        cited.add(source["id"])
        locator = f", p. {r.randint(1, 60)}" if r.random() < 0.6 else ""
        if "page" in source:
            locator = f", p. {int(source['page'].split('-')[0]) + 2}"
        return f"[@{source['id']}{locator}]"

    def claim() -> str:
        # A claim must cite; with no notes left, it cites a source again in the same note.
        citation = cite()
        if not citation:
            cited.add(sources[0]["id"])
        return writer.sentence(citation or f"[@{sources[0]['id']}]")

    long_title = r.random() < 0.4
    title_words = r.randint(12, 22) if long_title else r.randint(3, 8)
    title = writer.words(title_words)
    if writer.language == "en":
        title = title.title().replace(" ", ", ", 2).replace(",", ":", 1) if long_title \
            else title.title()
    brief: dict = {
        "title": title,
        "date": f"20{r.randint(15, 25)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
        "language": writer.language,
        "style": style,
        "layout": layout,
        "organisation": {"name": r.choice(["Rights Policy Desk", "Asia Refugee Network",
                                           "Border Monitoring Project"]),
                         "url": "https://example.org/" + "-".join(writer.words(4).split())
                         if writer.language == "en" else "https://example.org/briefs/2024",
                         "about": writer.sentence(low=12, high=30)},
        "authors": [{"name": f"{r.choice(GIVENS)} {r.choice(FAMILIES)}",
                     "role": "Researcher"} for _ in range(r.randint(0, 3))],
    }
    messages = r.randint(0, 8) if layout == "brief" else r.randint(0, 5)
    # A handout without key messages prints the summary instead: one that a page can hold.
    sentences = r.randint(1, 12) if layout == "brief" or messages else r.randint(1, 5)
    brief["summary"] = " ".join(writer.sentence(cite(0.5)) for _ in range(sentences))
    if r.random() < 0.3:
        brief["subtitle"] = writer.words(r.randint(5, 14))
    if messages:
        brief["key_messages"] = [writer.sentence(low=6, high=22) for _ in range(messages)]
    sections = []
    for s in range(r.randint(1, 5)):
        body = []
        for _ in range(r.randint(1, 30 if s == 0 else 12)):
            kind = r.choices(["claim", "text", "quote", "list"], [6, 2, 1, 1])[0]
            if kind == "claim":
                body.append({"claim": claim()})
            elif kind == "text":
                body.append({"text": " ".join(writer.sentence() for _ in range(r.randint(1, 4)))})
            elif kind == "quote":
                source = r.choice(sources)
                cited.add(source["id"])
                quote = {"quote": " ".join(writer.sentence()
                                           for _ in range(r.choice([1, 2, 4, 8, 10]))),
                         "source": source["id"]}
                if "page" in source:
                    quote["locator"] = f"p. {int(source['page'].split('-')[0]) + 1}"
                body.append(quote)
            else:
                body.append({"list": [writer.sentence(cite(0.3), low=4, high=14)
                                      for _ in range(r.randint(2, 6))]})
        sections.append({"heading": writer.words(r.randint(2, 9)), "body": body})
    brief["sections"] = sections
    groups = r.randint(1, 3)
    most = 12 if layout == "brief" else max(1, 6 // groups)
    brief["recommendations"] = [
        {"to": "The Government of " + r.choice(["India", "Myanmar", "Thailand"]) if
         writer.language == "en" else writer.words(3),
         "actions": [writer.sentence(low=6, high=28) for _ in range(r.randint(1, most))]}
        for _ in range(groups)]
    if layout == "handout":
        brief["url"] = f"https://example.org/briefs/{seed}/" + "-".join(
            r.choice(ENGLISH) for _ in range(6))
    brief["sources"] = [source for source in sources if source["id"] in cited]
    return yaml.safe_dump(brief, allow_unicode=True, sort_keys=False, width=100)


if __name__ == "__main__":
    seed, folder = int(sys.argv[1]), Path(sys.argv[2])
    layout = sys.argv[3] if len(sys.argv) > 3 else "brief"
    style = sys.argv[4] if len(sys.argv) > 4 else "chicago-note"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"corpus-{seed}-{layout}.yaml").write_text(generate(seed, layout, style), "utf-8")
