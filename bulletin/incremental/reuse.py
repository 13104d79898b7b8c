"""The one place that decides what a build may take over from earlier work.

A build asks ``Reuse`` five questions, from the largest to the smallest unit of work:

- the whole build: did nothing change since the last good build into this output (``last_build``)?
- a source file: is what was read and parsed from it last time still good (``recall``, the preview's; for a
  bulletin's front matter and the checks of links and figures, ``read_before``, the command line's, which the
  preview's first build reads too)?
- a page: is the output file still what these inputs make (``fingerprint`` and ``unchanged``; first, for most
  pages, ``quick_fingerprint`` or ``list_fingerprint``, and ``made_with``)?
- a body: is its Markdown converted already (``bodies``)?
- a shard of the search index: are its pages those it was indexed from (``search_known``, ``search_bundles``)?

Every answer is keyed by ``digest.generator_digest()`` too, so an upgrade of bulletin or of a
library it uses rebuilds what it may affect. ``remember`` records a good build for the next one.
"""

from __future__ import annotations

import dataclasses
import operator
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..digest import digest
from ..errors import Problems
from ..load.recall import Forgetful, Recall
from ..model import Bulletin
from ..output.search import HeldIndex
from ..render.renderer import BULLETIN_TEMPLATE, PageJob, Renderer
from ..render.searchrecord import SEARCH_FOLDER
from .bodies import BodyCache
from .fingerprint import Fingerprinter
from .manifest import Manifest
from .memo import ParseMemo
from .search import SearchBundles, SearchCache, SearchPlan
from .sources import SourcesCache
from .stamp import BuildStamp, LastBuild, Snapshot, last_build, output_state


@dataclass(slots=True)
class Reuse:
    """What one build (the command line's) or a series of builds (the preview's) may take over."""

    source: Path
    output: Path
    recall: Recall  # parses of source files: the preview's memory, or none
    stamp: BuildStamp | None  # the whole build: the command line's only
    state: Snapshot | None = None  # the sources as the last question about the whole build found them
    fingerprints: Fingerprinter | None = None  # of this build's pages, once ``start`` has seen its renderer
    around: str = ""  # the digest of what a bulletin's page shows besides its own file (``start``)
    lists: str = ""  # ... and of what every other page but the site's feed and free pages shows (``know_summaries``)
    quick: dict[str, str] = field(default_factory=dict)  # bulletin pages' quick fingerprints, by their files' digests
    first: bool = False  # a preview that has not built yet: its first build reads and keeps ``read_before``
    _read_before: SourcesCache | None = None
    _bodies: BodyCache | None = None  # read when first needed: a build with nothing to do never reads them
    _manifest: Manifest | None = None
    _search: SearchCache | None = None
    _templates: dict[str, str] = field(default_factory=dict)  # digests of the templates of ...
    _templates_env: object = None  # ... this Jinja environment (the preview keeps it while no template changes)

    @classmethod
    def for_command_line(cls, source: Path, output: Path) -> Reuse:
        """One build: its stamp, the body cache and the manifest on disk; nothing kept in memory."""
        return cls(source, output, Forgetful(), BuildStamp.of(source, output))

    @classmethod
    def for_preview(cls, source: Path, output: Path) -> Reuse:
        """A series of builds in one process: what was read and parsed is remembered between them."""
        return cls(source, output, ParseMemo(), None, first=True)

    @property
    def read_before(self) -> SourcesCache | None:
        """What earlier builds found reading the sources (bulletins' front matter, clean checks), and what this
        build finds, to keep for later ones. In a preview, for its first build only: later ones remember what it
        parsed and checked in memory instead (and their findings alone would keep too little)."""
        if self.stamp is None and not self.first:
            return None
        if self._read_before is None:
            self._read_before = SourcesCache.for_site(self.source)
        return self._read_before

    @property
    def bodies(self) -> BodyCache:
        """Converted Markdown bodies and their facts."""
        if self._bodies is None:
            self._bodies = BodyCache.for_site(self.source)
        return self._bodies

    @property
    def manifest(self) -> Manifest:
        """Each output file and the fingerprint of what it was made of."""
        if self._manifest is None:
            self._manifest = Manifest.load(self.source, self.output)
        return self._manifest

    @property
    def search(self) -> SearchCache:
        """The search index's shards kept in the cache, and the records of pages rendered since."""
        if self._search is None:
            self._search = SearchCache(self.source, prune=self.stamp is not None)  # the preview's keeps shards
        return self._search

    def search_known(self, path: str, fingerprint: str, shard: str | None = None) -> bool:
        """Whether the search record of the page at ``path`` made of these inputs is kept (it need not be rendered);
        ``shard``: the page's, where it is looked for first."""
        return self.search.known(path, fingerprint, shard)

    def search_learn(self, path: str, fingerprint: str, record: dict[str, object]) -> None:
        """The search record of a page rendered now (made of the inputs ``fingerprint`` names)."""
        self.search.learn(path, fingerprint, record)

    def search_stale(self, plan: SearchPlan, names: Iterable[str]) -> list[str]:
        """Those of these shards of ``plan`` that are indexed again (their pages' records changed)."""
        return self.search.stale(plan, names)

    def search_hold(self, names: Iterable[str]) -> dict[str, HeldIndex]:
        """Indexes of these shards held open, given their kept records (``SearchCache.hold``)."""
        return self.search.hold(names)

    def search_bundles(self, plan: SearchPlan, jobs: int = 1, ahead: SearchBundles | None = None,
                       part: bool = False, stop: threading.Event | None = None,
                       held: dict[str, HeldIndex] | None = None) -> SearchBundles:
        """The search index's bundles of ``plan``: shards whose pages are unchanged taken over from the cache,
        the others indexed again, by as many Pagefind processes as ``jobs`` (raises ``SearchIndexError``).
        ``ahead``, ``part``, ``stop`` and ``held`` as ``SearchCache.bundles`` has them."""
        return self.search.bundles(plan, jobs, ahead, part, stop, held)

    def last_build(self, options: tuple[object, ...], interrupted: bool,
                   known: Snapshot | None = None) -> LastBuild | None:
        """The last build's result when neither the sources, the generator, ``options`` nor the output changed
        since it (and no build was ``interrupted`` in between): then there is nothing to do. ``known``: the
        sources' state as ``stamp.last_build`` found it just before, with something to do."""
        if self.stamp is None:
            return None
        if known is not None:
            self.state = known
            return None
        self.state, found = last_build(self.source, self.output, options, interrupted)
        return found

    def start(self, renderer: Renderer) -> None:
        """Get ready to fingerprint the pages of ``renderer``'s site (what every page shares is hashed once)."""
        shared = digest(*(repr(value) for value in renderer.shared_context().values()))
        if self._templates_env is not renderer.env:
            self._templates, self._templates_env = {}, renderer.env
        self.fingerprints = Fingerprinter(renderer.env, shared, self._templates)
        self.around, self.lists, self.quick = around_bulletins(renderer, self.fingerprints), "", {}
        if renderer.site.config.search:
            self.search.shards  # noqa: B018 - read before render workers fork, which ask ``search_known``

    def fingerprint(self, job: PageJob, renderer: Renderer) -> str:
        """The fingerprint of one page's inputs: its templates, its context and what its body is made of."""
        inputs = renderer.body_inputs(job.body) if job.body else None
        return self.fingerprints.page(job.template, job.context, inputs)  # type: ignore[union-attr]

    def quick_fingerprint(self, bulletin: Bulletin) -> str:
        """A bulletin page's fingerprint by what it is made of (its own file, and all its page shows of the rest of
        the site), not by what it shows: cheap, and the same only when the page is (see ``around_bulletins``)."""
        quick = self.quick.get(bulletin.source_digest)
        if quick is None:
            quick = self.quick[bulletin.source_digest] = digest(self.around, bulletin.source_digest)
        return quick

    def know_summaries(self, summaries: dict[str, str]) -> None:
        """The summaries of all bulletins (by source path): with ``around``, all that the list pages, unit pages,
        statistics, tags, unit feeds and the sitemap are made of (``list_fingerprint``)."""
        self.lists = digest(self.around, repr(sorted(summaries.items())))

    def list_fingerprint(self, job: PageJob) -> str | None:
        """A page's quick fingerprint (see ``quick_fingerprint``) when it shows no Markdown body, else None: its
        template, its path and ``lists``, which covers every value such a page is made of."""
        if not self.lists or job.body is not None or job.shows_bodies:
            return None
        return digest(self.lists, self.fingerprints.template(job.template), job.template, job.path)  # type: ignore[union-attr]

    def made_with(self, path: str, quick: str) -> str | None:
        """The fingerprint of the output file at ``path`` when the last build made it with this quick fingerprint."""
        return self.manifest.made_with(path, quick)

    def unchanged(self, path: str, fingerprint: str, status: os.stat_result | None = None) -> bool:
        """Whether the output file at ``path`` is still the one the last build made from these inputs (``status``:
        the file's, when the writer knows it)."""
        return self.manifest.unchanged(path, fingerprint, self.output, status)

    def remember(self, produced: dict[str, str], folder: Path, renderer: Renderer, files: int,
                 problems: Problems, quick: dict[str, str] | None = None, listed: list[str] | None = None,
                 statuses: dict[str, os.stat_result] | None = None) -> None:
        """After a good build into ``folder``: what each file was made of (``quick``: the quick fingerprints of
        pages), the bodies' facts and the stamp. ``listed``: the folder's files, when the writer knows them;
        ``statuses``: those of its files that it knows (they did not change since it looked)."""
        quick = quick or {}
        seen: dict[str, os.stat_result] = dict(statuses or {})  # one look at each file: the stamp's, the manifest's
        left = output_state(folder, listed, seen) if self.stamp is not None else None
        for path, fingerprint in produced.items():
            status = seen.get(path) or os.stat(os.path.join(folder, path))
            self.manifest.record(path, fingerprint, status, quick.get(path))
        kept = set(produced)
        if self.stamp is None:  # the preview's index is refreshed beside its builds, its files kept by its writer
            kept.update(rel for rel in self.manifest.entries if rel.startswith(SEARCH_FOLDER + "/"))
        self.manifest.save(kept)
        site = renderer.site
        self.bodies.save_facts({self.bodies.key(item) for item in (*site.bulletins, *site.pages)})
        if self.stamp is not None and self.state is not None and left is not None:
            self.stamp.save(self.state, left, files, problems)


OWN_FIELDS = ("markdown", "source_digest")  # what only a bulletin's own page shows: its body (and its file's digest)


def around_bulletins(renderer: Renderer, fingerprints: Fingerprinter) -> str:
    """The digest of all that a bulletin's page is made of besides its own file: the generator, the templates and
    what every page shares, and the site with every bulletin's body left out (the pager, related bulletins and the
    links of a body show other bulletins' front matter and addresses, never their bodies). A page that showed
    more of other bulletins (a neighbour's summary) would have to be covered here. The model's values are known
    by their ``repr`` (every field of a dataclass, as the shared context is in ``Reuse.start``): three times
    quicker than hashing them one by one, for 10,000 bulletins."""
    site = renderer.site
    fronts = operator.attrgetter(*(name for name in Bulletin.__dataclass_fields__ if name not in OWN_FIELDS))
    return digest(fingerprints.shared, fingerprints.template(BULLETIN_TEMPLATE), renderer.written_base_url,
                  repr([fronts(b) for b in site.bulletins]), repr(dataclasses.replace(site, bulletins=())))
