"""Finding the personal names of a bulletin that the traditional mirror would have to guess (pure).

A name is found beside the title or office that introduces it (区委书记张中于, 博士岳强, 老兵余俊,
王新明同志), in a byline closing a paragraph ((邓志强 易　松)) or in the ``author`` field. The name
then ends where the next word begins (a separator, a title, or a word such as 以, 结合, 看到), and
must start with a common surname. This finds every name of the five example bulletins and no other
word (measured in tests/test_names.py, which also holds sentences the rules were not written from).
A name is worth a warning when the conversion would change one of its characters that has several
traditional forms (余俊 -> 餘俊): ``hant.guessed``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..hant import guessed

HAN = "[\u4e00-\u9fff]"
# Offices and titles followed by a name: 区委书记张中于, 博士岳强, 老兵余俊.
TITLES_BEFORE = ("总书记|副书记|书记|副主任|主任|副局长|局长|副区长|区长|副县长|县长|副市长|市长|镇长|乡长|村长|"
                 "副部长|部长|厅长|副厅长|处长|科长|主席|董事长|总经理|经理|副院长|院长|校长|所长|副组长|组长|"
                 "副教授|教授|讲师|博士|老师|教师|专家|老兵|党员|记者|通讯员|委员|常委|队长|站长|支书|英雄|烈士|"
                 "干事|主持人|负责人")
# Words for anyone, which precede a name less often than an ordinary word (职工关心): a name after one of them
# must be of three characters, or be followed by a word that ends a name (村民钟二妹, 志愿者余红带领…).
PEOPLE_BEFORE = "军人|村民|居民|职工|群众|志愿者|讲解员|学生|选手"
# Words that follow a name: 王新明同志, 王福帅博士, 习近平总书记, 左权故居.
TITLES_AFTER = "事迹|同志|总书记|书记|主任|局长|区长|县长|市长|部长|博士|教授|老师|先生|女士|烈士|故居|纪念馆"
# Words that may follow a name and so end it: 老兵余俊结合…, 博士岳强以“…”为题, 钟慧看到….
AFTER_NAME = ("以|为|在|于|和|与|对|向|从|将|把|被|等|及|说|讲|看到|告诉|表示|结合|践行|带队|进行|作|做|到|"
              "指出|强调|介绍|主持|出席|参加|深情|率|代表|一行|带领|带头|亲自|主动|先后|面对面|一起|分别|围绕|"
              "通过|作为|认为|参观|走访|来到|前往|讲述|发言|主讲|领学")
# Words whose last character is also a surname: 学习雷锋 is 雷锋, not 习雷锋; 博士后 is no 后.
SPLIT_WORDS = {"学习", "复习", "练习", "实习", "见习", "以后", "之后", "最后", "然后", "随后", "此后", "博士后", "关于",
               "对于", "由于", "在于", "等于", "其余", "业余", "时钟"}
SEPARATOR = r"[，、。；：:,.;）)」』”\s]|$"
# Common surnames, the rare ones whose character is ambiguous included (于 余 岳 钟 沈 干 后 朴 郁 涂…).
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
               "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
               "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
               "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓"
               "古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙"
               "荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝习南后干朴郁台占")
NOT_NAME = re.compile("党|委|干部|组长|关于|纪念|学习|宣讲|工作|组织|群众|代表|同志|领导|成员")

_BEFORE = re.compile(f"(?:{TITLES_BEFORE})[：:\\s　]?({HAN}{{2,3}})")
_PEOPLE = re.compile(f"(?:{PEOPLE_BEFORE})({HAN}{{2,3}})")
_AFTER = re.compile(TITLES_AFTER)
_HAN_TAIL = re.compile(f"{HAN}{{1,4}}$")
_BYLINE = re.compile(r"[（(]([^（()）]{2,40})[）)][ \t]*$", re.M)  # (单位 张三) or (邓志强 易　松) closing a paragraph
_ENDS = re.compile(SEPARATOR + "|" + TITLES_AFTER)
_HAN2, _HAN3, _HAN23 = re.compile(HAN + "{2}"), re.compile(HAN + "{3}"), re.compile(HAN + "{2,3}")
_AFTER_WORD = re.compile(f"(?:{AFTER_NAME})")


@dataclass(frozen=True, slots=True)
class FoundName:
    """A likely personal name and where it starts in the text it was found in."""

    name: str
    offset: int


def _name_at(text: str, start: int, strict: bool = False) -> str | None:
    """The name that starts at ``start`` (just after a title): 3 or 2 Han characters, whichever ends where a word
    begins (a separator or title first, then a word such as 以 or 看到: 钟慧看到 is 钟慧); else 3, unless ``strict``."""
    three, two = text[start:start + 3], text[start:start + 2]
    three = three if _HAN3.fullmatch(three) else ""
    two = two if _HAN2.fullmatch(two) else ""
    for name, ends in ((three, _ENDS), (two, _ENDS), (two, _AFTER_WORD), (three, _AFTER_WORD)):
        if name and ends.match(text, start + len(name)):
            return name
    return three if not strict and three else None


def _plausible(name: str) -> bool:
    return 2 <= len(name) <= 3 and name[0] in SURNAMES and not NOT_NAME.search(name)


def _split_word(text: str, start: int) -> bool:
    """Whether the character at ``start`` ends a word begun before it (学习, 博士后), and so starts no name."""
    return text[max(0, start - 1):start + 1] in SPLIT_WORDS or text[max(0, start - 2):start + 1] in SPLIT_WORDS


def find_names(text: str) -> list[FoundName]:
    """Every likely personal name in ``text``, in order, each with its offset (a name may repeat)."""
    found: list[FoundName] = []
    for match in _BEFORE.finditer(text):
        if text[match.start(1)] not in SURNAMES:  # most matches end here, cheaply
            continue
        name = _name_at(text, match.start(1))
        if name and _plausible(name) and not _split_word(text, match.start(1)):
            found.append(FoundName(name, match.start(1)))
    for match in _PEOPLE.finditer(text):
        if text[match.start(1)] not in SURNAMES:
            continue
        name = _name_at(text, match.start(1), strict=True)
        strong = name is not None and (len(name) == 3 or _AFTER_WORD.match(text, match.start(1) + 2))
        if strong and _plausible(name) and not _split_word(text, match.start(1)):  # type: ignore[arg-type]
            found.append(FoundName(name, match.start(1)))  # type: ignore[arg-type]
    for match in _AFTER.finditer(text):  # 2-4 Han characters before 同志, 故居…
        before = _HAN_TAIL.search(text, max(0, match.start() - 4), match.start())
        if before is None or len(before.group(0)) < 2:
            continue
        candidate = before.group(0)
        for size in (3, 2):  # the longest tail that starts with a surname
            tail, at = candidate[-size:], match.start() - size
            if len(tail) == size and _plausible(tail) and not _split_word(text, at):
                found.append(FoundName(tail, at))
                break
    for match in _BYLINE.finditer(text):
        found += names_in_byline(match.group(1), match.start(1))
    return sorted(set(found), key=lambda f: (f.offset, f.name))


def names_in_byline(text: str, offset: int = 0) -> list[FoundName]:
    """The names of a byline or an author field (邓志强、易松; 邓志强 易　松, a name padded to line up)."""
    tokens = [(m.group(0), m.start()) for m in re.finditer(r"[^\s　、，,;；]+", text)]
    joined: list[tuple[str, int]] = []
    for word, at in tokens:
        if joined and len(word) == 1 and len(joined[-1][0]) == 1:
            joined[-1] = (joined[-1][0] + word, joined[-1][1])  # "易　松": one name of two characters
        else:
            joined.append((word, at))
    return [FoundName(word, offset + at) for word, at in joined if _HAN23.fullmatch(word) and _plausible(word)]


def names_to_fix(text: str, terms: tuple[tuple[str, str], ...]) -> list[tuple[FoundName, list[tuple[str, str]]]]:
    """The names in ``text`` whose traditional form would be guessed, each once, with the guessed characters."""
    seen: set[str] = set()
    out = []
    for found in find_names(text):
        if found.name in seen:
            continue
        seen.add(found.name)
        changes = guessed(found.name, terms)
        if changes:
            out.append((found, changes))
    return out
