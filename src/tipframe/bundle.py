"""Bundles: many documents read together, with references between them resolved by id."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

import attrs

from tipframe.io.convert import did_you_mean
from tipframe.io.documents import BUILTIN_PREFIX, Loaded, builtins, load_located
from tipframe.io.problems import DEFAULT_LIMITS, DocumentError, Limits, Problem
from tipframe.io.walk import BUDGET, Walker
from tipframe.model import CascadePlan, Document, Programme, RecurringPlan, Workforce
from tipframe.model.feasibility import INVALID_PLAN, plan_infeasibilities, recurring_infeasibilities
from tipframe.model.fields import Path
from tipframe.model.kinds import KINDS
from tipframe.model.observations import Observations, observation_problems

D = TypeVar("D", bound=Document)


def ref_of(loaded: Loaded) -> str:
    """How references name a loaded document: ``builtin:ID`` for a built-in, else its id.

    Parameters
    ----------
    loaded
        A document with the file it was read from.

    Returns
    -------
    str
    """
    return BUILTIN_PREFIX + loaded.document.id if loaded.file.startswith(BUILTIN_PREFIX) else loaded.document.id


@attrs.frozen
class Bundle:
    """Documents read together; built-in documents are always in scope as ``builtin:ID``.

    Build one with `load_bundle` (files and folders) or `Bundle.of` (objects in memory).
    """

    entries: tuple[Loaded, ...]
    _index: Mapping[tuple[str, str], Loaded] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        index: dict[tuple[str, str], Loaded] = {}
        for loaded in builtins().values():
            index[(loaded.document.KIND, ref_of(loaded))] = loaded
        for loaded in self.entries:
            index.setdefault((loaded.document.KIND, ref_of(loaded)), loaded)
        object.__setattr__(self, "_index", index)

    @classmethod
    def of(cls, documents: Iterable[Document]) -> Bundle:
        """A bundle of documents built in memory.

        Parameters
        ----------
        documents
            The documents; references among them, and to built-ins, are resolved.

        Returns
        -------
        Bundle

        Raises
        ------
        DocumentError
            Listing the bundle's problems: broken references, duplicate ids, follow-on cycles,
            plans that cannot run.
        """
        bundle = cls(tuple(Loaded(d, f"<{d.KIND} {d.id}>") for d in documents))
        problems = bundle.problems()
        if problems:
            raise DocumentError(problems)
        return bundle

    def __iter__(self) -> Iterator[Document]:
        return (loaded.document for loaded in self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def documents(self, kind: type[D], *, include_builtins: bool = False) -> tuple[D, ...]:
        """Documents of one kind, in the order read.

        Parameters
        ----------
        kind
            The document class (``Programme``); subclasses count.
        include_builtins
            Add the built-in documents of that kind, after the others.

        Returns
        -------
        tuple of Document
        """
        found = [e.document for e in self.entries if isinstance(e.document, kind)]
        if include_builtins:
            found += [e.document for e in builtins().values() if isinstance(e.document, kind)]
        return tuple(found)

    def get(self, ref: str, kind: type[D]) -> D:
        """The document a reference names.

        Parameters
        ----------
        ref
            An id, or ``builtin:ID``.
        kind
            The document class the reference names.

        Returns
        -------
        Document
            Of class ``kind``.

        Raises
        ------
        KeyError
            Saying which documents of that kind are in scope, when none has this reference.
        """
        loaded = self._index.get((kind.KIND, ref))
        if loaded is None or not isinstance(loaded.document, kind):
            raise KeyError(self._missing_message(ref, kind))
        return loaded.document

    def folder(self, document: Document) -> str:
        """The folder of the file a document was read from ("." for a built-in or one given in memory): where the
        files it names (a workforce's staff network) are.

        Parameters
        ----------
        document
            A document of this bundle, or a built-in (the object itself).

        Returns
        -------
        str

        Raises
        ------
        KeyError
            When the document is not in the bundle.
        """
        return os.path.dirname(self.origin(document).file) or "."

    def origin(self, document: Document) -> Loaded:
        """The file and value positions a document was read from.

        Parameters
        ----------
        document
            A document of this bundle, or a built-in (the object itself, not an equal one).

        Returns
        -------
        Loaded

        Raises
        ------
        KeyError
            When the document is not in the bundle.
        """
        for loaded in (*self.entries, *builtins().values()):
            if loaded.document is document:
                return loaded
        raise KeyError(f"{document.KIND} {document.id!r} is not in this bundle")

    def refs(self, kind: type[Document]) -> list[str]:
        """Every reference that names a document of ``kind``, built-ins included, sorted.

        Parameters
        ----------
        kind
            The document class.

        Returns
        -------
        list of str
        """
        return sorted(ref for (k, ref) in self._index if k == kind.KIND)

    def _missing_message(self, ref: str, *kinds: type[Document]) -> str:
        known = sorted(r for kind in kinds for r in self.refs(kind))
        hint = did_you_mean(ref, known)
        if not hint and BUILTIN_PREFIX + ref in known:
            hint = f" (did you mean {BUILTIN_PREFIX + ref!r}? built-in documents are named builtin:ID)"
        listing = ", ".join(known) if known else "none"
        names = " or ".join(kind.KIND for kind in kinds)
        return f"no {names} {ref!r}{hint}; {names} documents in scope: {listing}"

    def problems(self) -> list[Problem]:
        """Broken references, duplicate ids, follow-on cycles and impossible plans, each placed in its file.

        Returns
        -------
        list of Problem
            At the ``bundle`` layer, each with a ``code`` (see `problems_of`); empty when there
            are none.
        """
        return [problem for loaded in self.entries for problem in self.problems_of(loaded)]

    def problems_of(self, loaded: Loaded) -> list[Problem]:
        """The problems `problems` reports for one document of this bundle.

        Each has a ``code``: ``duplicate-id``, ``missing-reference``, ``unknown-principle``,
        ``unknown-level``, ``follow-on-cycle``, ``impossible-plan``, ``impossible-observation`` or
        ``ambiguous-reference``.

        Parameters
        ----------
        loaded
            One of the bundle's ``entries``.

        Returns
        -------
        list of Problem
        """
        problems = self._duplicate_problems(loaded)
        problems += self._reference_problems(loaded)
        problems += self._cycle_problems(loaded)
        if not problems and isinstance(loaded.document, CascadePlan | RecurringPlan):
            problems += self._plan_problems(loaded, loaded.document)
        if not problems and isinstance(loaded.document, Observations):
            problems += self._observation_problems(loaded, loaded.document)
        return problems

    def _observation_problems(self, loaded: Loaded, observations: Observations) -> list[Problem]:
        """Counts the plan observed cannot produce: another kind's measures, dates without a start, periods
        outside the horizon."""
        plan = self.plan(observations.plan)
        found = observation_problems(observations, plan) if plan is not None else []
        return [_problem(loaded, where, message, "impossible-observation") for where, message in found]

    def plan(self, ref: str) -> CascadePlan | RecurringPlan | None:
        """The cascade or recurring plan a reference names, if either is in scope.

        Parameters
        ----------
        ref
            An id, or ``builtin:ID``.

        Returns
        -------
        CascadePlan or RecurringPlan or None
        """
        for kind in (CascadePlan, RecurringPlan):
            loaded = self._index.get((kind.KIND, ref))
            if loaded is not None and isinstance(loaded.document, kind):
                return loaded.document
        return None

    def _plan_problems(self, loaded: Loaded, plan: CascadePlan | RecurringPlan) -> list[Problem]:
        """Plans that cannot run on their workforce: more seeds than staff, cohorts nobody could fill, more
        practitioners aware of a recurring format than a site has."""
        try:
            workforce = self.get(plan.workforce, Workforce)
            programme = self.get(plan.programme, Programme)
        except KeyError:
            return []
        found = (
            plan_infeasibilities(plan, workforce, programme)
            if isinstance(plan, CascadePlan)
            else recurring_infeasibilities(plan, workforce, programme)
        )
        return [
            _problem(loaded, problem.where, problem.message, "impossible-plan")
            for problem in found
            if problem.reason in INVALID_PLAN
        ]

    def _duplicate_problems(self, loaded: Loaded) -> list[Problem]:
        key = (loaded.document.KIND, loaded.document.id)
        first = next(e for e in self.entries if (e.document.KIND, e.document.id) == key)
        if first is loaded:
            return []
        first_where = first.locations.find(("id",))
        at = f"{first.file}:{first_where[0]}" if first_where else first.file
        message = f"{key[0]} id {key[1]!r} is already used ({at})"
        return [_problem(loaded, ("id",), message, "duplicate-id", loaded.locations.find(("id",)))]

    def _reference_problems(self, loaded: Loaded) -> list[Problem]:
        problems: list[Problem] = []
        document = loaded.document
        for path, value, meta in _walk(document, ()):
            kind_names = meta.get("ref")
            if kind_names is not None:
                kinds = [KINDS[name] for name in kind_names.split("|")]  # "CascadePlan|RecurringPlan": either
                found = [kind.KIND for kind in kinds if (kind.KIND, value) in self._index]
                if not found:
                    message = self._missing_message(value, *kinds)
                    problems.append(_problem(loaded, path, message, "missing-reference"))
                elif len(found) > 1:
                    message = f"{' and '.join(found)} documents both have id {value!r}: give one of them another id"
                    problems.append(_problem(loaded, path, message, "ambiguous-reference"))
            member_of = meta.get("member_of")
            if member_of is not None:
                container = self._container(document, path, member_of)
                if container is None:
                    problems += self._no_container(loaded, path, member_of)
                    continue
                collection = meta.get("member") or container.MEMBERS[0]
                if value not in container.members(collection):
                    message = _not_member(value, container, member_of, collection)
                    problems.append(_problem(loaded, path, message, f"unknown-{collection.removesuffix('s')}"))
        return problems

    def _container(self, document: Document, path: Path, member_of: str) -> Document | None:
        """The document whose members the value at ``path`` must be: named by ``member_of``.

        A dotted ``member_of`` follows references: ``workforce.levels`` is the level scale named
        by the workforce that the document names.
        """
        current: Document | None = document
        for name in member_of.split("."):
            if current is None:
                return None
            ref = getattr(current, name, None)
            field = attrs.fields_dict(type(current)).get(name)
            if not isinstance(ref, str) or field is None:
                return None
            kind_names = field.metadata.get("ref") or ""
            loaded = next((self._index[(k, ref)] for k in kind_names.split("|") if (k, ref) in self._index), None)
            current = loaded.document if loaded is not None else None
        return current

    def _no_container(self, loaded: Loaded, path: Path, member_of: str) -> list[Problem]:
        """A member named through a document that names no container (a workforce without a level scale)."""
        via, _, last = member_of.rpartition(".")
        holder = self._container(loaded.document, path, via) if via else None
        field = attrs.fields_dict(type(holder)).get(last) if holder is not None else None
        if holder is None or field is None or getattr(holder, last) is not None:
            return []  # nothing to follow, or a missing reference, reported on its own
        kind = KINDS[field.metadata["ref"]]
        noun = kind.MEMBERS[0].removesuffix("s")
        words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind.KIND).lower()  # LevelScale: level scale
        message = f"names a {noun}, but {holder.KIND} {holder.id!r} (named by {via}) names no {words} ({last})"
        return [_problem(loaded, path, message, f"unknown-{noun}")]

    def _cycle_problems(self, loaded: Loaded) -> list[Problem]:
        """A follow-on cycle, reported at the first of its programmes in reading order."""
        start = loaded.document
        if not isinstance(start, Programme) or start.follow_on is None:
            return []
        chain = [ref_of(loaded)]
        current: Programme | None = start
        while current is not None and current.follow_on is not None:
            next_ref = current.follow_on
            if next_ref == chain[0]:
                members = set(chain)
                first = next(e for e in self.entries if isinstance(e.document, Programme) and ref_of(e) in members)
                if len(chain) > 1 and first is loaded:
                    message = "follow-on programmes form a cycle: " + " -> ".join([*chain, next_ref])
                    return [_problem(loaded, ("follow_on",), message, "follow-on-cycle")]
                return []
            if next_ref in chain:
                return []
            chain.append(next_ref)
            following = self._index.get(("Programme", next_ref))
            current = (
                following.document if following is not None and isinstance(following.document, Programme) else None
            )
        return []


def _not_member(value: str, container: Document, member_of: str, collection: str) -> str:
    members = container.members(collection)
    noun = collection.removesuffix("s")
    hint = did_you_mean(value, list(members))
    return (
        f"{container.KIND} {container.id!r} (named by {member_of}) has no {noun} {value!r}{hint}; "
        f"it has: {', '.join(members)}"
    )


def _walk(obj: Any, path: Path) -> Iterator[tuple[Path, str, Mapping[str, Any]]]:
    """Every reference-like value (fields with ``ref`` or ``member_of`` metadata) under ``obj``."""
    for field in attrs.fields(type(obj)):
        value = getattr(obj, field.name)
        meta = field.metadata
        here = (*path, field.name)
        if meta.get("ref") or meta.get("member_of"):
            if isinstance(value, str):
                yield here, value, meta
            elif isinstance(value, tuple):
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        yield (*here, index), item, meta
            continue
        if isinstance(value, Document):
            continue  # an embedded document (a result's plan) is complete in itself
        if attrs.has(type(value)):
            yield from _walk(value, here)
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                if attrs.has(type(item)):
                    yield from _walk(item, (*here, index))


def _problem(loaded: Loaded, path: Path, message: str, code: str, where: tuple[int, int] | None = None) -> Problem:
    where = where or loaded.locations.find(path)
    return Problem(
        message=message,
        layer="bundle",
        code=code,
        path=path,
        file=loaded.file,
        line=where[0] if where else None,
        column=where[1] if where else None,
    )


Paths = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def _expand(paths: Paths, walker: Walker) -> list[str]:
    """The files to read: those named, and the documents the walker finds in the folders named."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    files: list[str] = []
    for path in paths:
        name = os.fspath(path)
        if not name.startswith(BUILTIN_PREFIX) and os.path.isdir(name):
            files.extend(walker.walk(name))
        else:
            files.append(name)
    unique: dict[str, str] = {}
    for name in files:
        key = name if name.startswith(BUILTIN_PREFIX) else os.path.realpath(name)
        unique.setdefault(key, name)
    return list(unique.values())


def load_bundle(paths: Paths, *, limits: Limits = DEFAULT_LIMITS) -> Bundle:
    """Read files and folders (``*.yaml``, ``*.yml``, ``*.json``, recursively) into a `Bundle`.

    Parameters
    ----------
    paths
        One path or several: files, folders, or ``builtin:ID`` for a built-in document. A file
        named twice is read once. A folder is walked without leaving it: a link whose target
        lies outside the folder, and a link loop, are reported and not followed.
    limits
        Bounds on what each file may hold, and on the files and bytes the folders' walks list
        (``max_files``, ``max_total_bytes``; over them, nothing is read).

    Returns
    -------
    Bundle

    Raises
    ------
    DocumentError
        With every problem in every file, references between them included.
    """
    bundle, problems = read_bundle(paths, limits=limits)
    if problems:
        raise DocumentError(problems)
    return bundle


def read_bundle(paths: Paths, *, limits: Limits = DEFAULT_LIMITS) -> tuple[Bundle, list[Problem]]:
    """Like `load_bundle`, but returns what could be read with the problems instead of raising.

    Parameters
    ----------
    paths, limits
        As for `load_bundle`.

    Returns
    -------
    tuple of Bundle and list of Problem
        The documents that could be read, and every problem; the bundle's own problems
        (references) are checked only when every file could be read.
    """
    entries: list[Loaded] = []
    walker = Walker(limits)
    names = _expand(paths, walker)
    problems: list[Problem] = list(walker.problems)
    if any(problem.code == BUDGET for problem in problems):
        return Bundle(()), problems
    for name in names:
        try:
            entries.append(load_located(name, limits=limits))
        except DocumentError as error:
            problems.extend(error.problems)
    bundle = Bundle(tuple(entries))
    if not problems:
        problems.extend(bundle.problems())
    return bundle, problems
