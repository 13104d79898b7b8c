"""The furniture of an official website in data/site.yaml: who runs it, its filing numbers, the order of categories.

Government websites show 主办单位, 承办单位, 联系方式, 网站标识码, ICP备案号 and 公安备案号 in their footer
(and 网站标识码 in ``<meta name="SiteIDCode">``). A value that does not look like what its office issues
is a warning at its line, not an error: the site still builds, and the footer shows what was written.
"""

from __future__ import annotations

import re

from ..messages import _
from ..model import POLICE_NUMBER
from .fields import Fields

FURNITURE_KEYS = ("organizer", "operator", "site_code", "icp", "police_record", "contact", "categories")
# 网站标识码: 10 digits for local sites (4302030001), "bm" and 8 digits for central ministries (bm07000001).
SITE_CODE = re.compile(r"\d{10}|bm\d{8}")
# ICP备案号: a province's one-character name, ICP备, the number, 号, and optionally -N for one of its sites.
ICP = re.compile(r"[\u4e00-\u9fff]ICP备\d{4,12}号(?:-\d{1,3})?")


def read_furniture(fields: Fields) -> dict[str, object]:
    """The footer's keys (as ``SiteConfig`` fields), each checked for the form its office issues: a warning at
    its line when it is not."""
    site_code = fields.text("site_code")
    if site_code is not None and not SITE_CODE.fullmatch(site_code):
        fields.warn_at(fields.node("site_code"),  # type: ignore[arg-type]
                       _('"site_code" is "{value}": a 网站标识码 is 10 digits (4302030001) or bm and 8 digits '
                         '(bm07000001)', value=site_code))
    icp = fields.text("icp")
    if icp is not None and not ICP.fullmatch(icp):
        fields.warn_at(fields.node("icp"),  # type: ignore[arg-type]
                       _('"icp" is "{value}": an ICP备案号 looks like 湘ICP备12345678号 or 湘ICP备12345678号-1',
                         value=icp))
    police = fields.text("police_record")
    if police is not None and not POLICE_NUMBER.search(police):
        fields.warn_at(fields.node("police_record"),  # type: ignore[arg-type]
                       _('"police_record" is "{value}" without its number: a 公安备案号 looks like '
                         '湘公网安备43020302000123号', value=police))
    return dict(organizer=fields.text("organizer"), operator=fields.text("operator"), site_code=site_code, icp=icp,
                police_record=police, contact=fields.text("contact"), categories=fields.text_list("categories"))
