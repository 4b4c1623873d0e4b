"""Where Brücken keeps files: the storage aliases of `settings.STORAGES`, the private areas the
apps keep their files in, and the answer when the object store cannot be reached.

Two aliases hold every file. "default" has the uploaded pictures (served by the website's
image view to whoever may see them); "private" everything else (guideline editions, report
builds, event documents, data exports, spreadsheet uploads), which has no URL at all and is
served only through views that check the reader's permission. Without S3 settings both are
folders on this machine (`MEDIA_ROOT`, and `private/` beside it); with them, S3 buckets (see
the README), so that several app servers and the worker share the files.

Each app's FileFields take a storage callable returning a `private_area`: a lazy storage that
resolves its alias at each use (tests and deployments that move MEDIA_ROOT or swap STORAGES move
it too) and keeps the folder each area has always had on disk, so existing files stay where
they are.
"""

import logging
import os
import posixpath
from pathlib import Path

from botocore import exceptions as botocore_exceptions
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty

logger = logging.getLogger(__name__)

# The object store cannot be reached or refuses us (down, timing out, wrong credentials or
# bucket): the request cannot be answered now, which is a 503, not a bug (500). A missing
# object is not among them: django-storages turns it into FileNotFoundError.
UNAVAILABLE = (
    botocore_exceptions.ConnectionError,  # endpoint unreachable, connect timeout, TLS
    botocore_exceptions.HTTPClientError,  # connection closed, read timeout
    botocore_exceptions.NoCredentialsError,
    botocore_exceptions.ClientError,  # 5xx, access denied, no such bucket
)

# Settings that move a private area: a changed one (in tests) resolves the areas anew.
_LOCATION_SETTINGS = {"STORAGES", "MEDIA_ROOT", "DATA_EXPORT_DIR", "TRANSFER_UPLOAD_DIR"}


class LocalPrivateStorage(FileSystemStorage):
    """The "private" alias on this machine: `private/` beside MEDIA_ROOT (never under it), or
    the `location` given. Files here have no URL."""

    def __init__(self, location=None, **kwargs):
        kwargs["base_url"] = None
        super().__init__(location=location, **kwargs)

    @property
    def base_location(self):
        return self._location or Path(settings.MEDIA_ROOT).parent / "private"

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError(
            "Private files are not accessible via a URL: they are served only through views "
            "that check the reader's permission."
        )


def is_local(storage):
    return isinstance(storage, FileSystemStorage)


def _within(base, alias, folder):
    """A storage like `base` (the alias's), for the folder `folder` inside it."""
    options = dict(settings.STORAGES[alias].get("OPTIONS", {}))
    join = os.path.join if is_local(base) else posixpath.join
    options["location"] = join(base.location, folder) if base.location else folder
    return type(base)(**options)


class PrivateArea(LazyObject):
    """A folder of the "private" alias, resolved at first use and again after a setting that
    moves it changed. On this machine an area may keep a folder of its own (`local_dir`, a
    callable returning a path or None) or live in another alias (`local_alias`), as it did
    before the aliases existed."""

    # Every area made (a handful, made once at import), to be reset together. A list, not a
    # set: an area hashes and compares as the storage it stands for, and two may share one.
    _areas = []

    def __init__(self, folder="", local_dir=None, local_alias=None):
        self.__dict__["_folder"] = folder
        self.__dict__["_local_dir"] = local_dir
        self.__dict__["_local_alias"] = local_alias
        super().__init__()
        PrivateArea._areas.append(self)

    def _setup(self):
        self._wrapped = self._resolve()

    def _resolve(self):
        base = storages["private"]
        if is_local(base):
            if self._local_alias:
                return storages[self._local_alias]
            location = self._local_dir() if self._local_dir else None
            if location:
                return LocalPrivateStorage(location=location)
        return _within(base, "private", self._folder) if self._folder else base

    def reset(self):
        self._wrapped = empty

    # One storage object per area, shared by the fields that use it (Django copies fields).
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        raise TypeError("A storage area cannot be pickled.")


def private_area(folder="", *, local_dir=None, local_alias=None):
    return PrivateArea(folder, local_dir=local_dir, local_alias=local_alias)


def _reset_areas(*, setting, **kwargs):
    if setting in _LOCATION_SETTINGS:
        for area in PrivateArea._areas:
            area.reset()


setting_changed.connect(_reset_areas)


def write_whole(storage, name, data):
    """Store `data` (bytes) under exactly `name`, replacing what was there, so that a reader
    sees the old content or the new, never a half-written file."""
    if is_local(storage):
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        os.replace(partial, path)
    else:
        # An object store replaces an object whole; `save()` would pick another name instead.
        storage._save(name, ContentFile(data))


def delete_quietly(storage, name):
    """Delete a file no longer wanted (after a failed build, or once its row is gone): an
    unreachable store must not hide the failure being recorded, nor turn a committed deletion
    into an error page. What is left is logged."""
    try:
        storage.delete(name)
    except (OSError, *UNAVAILABLE):
        logger.warning("Could not delete %s; it is left in the storage", name, exc_info=True)
