"""An S3 store for tests: moto's server on a free port (a thread of this process), its buckets,
and the settings that put Brücken's files there, as AWS_* settings would (settings.py).

Use the `s3` fixture (import it into the test module); the tests are skipped when moto is not
installed (`moto[server]` in requirements-dev.txt)."""

import contextlib
import socket
import urllib.request
from dataclasses import dataclass

import pytest

PUBLIC_BUCKET = "bruecken-media"
PRIVATE_BUCKET = "bruecken-private"
KEY_ID = "tests-not-a-key"
SECRET = "tests-not-a-secret"  # moto accepts any
REGION = "us-east-1"
EXPIRE_SECONDS = 60


def _free_port():
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def storages_setting(settings, endpoint):
    """STORAGES as settings.py builds it for AWS_STORAGE_BUCKET_NAME and a private bucket."""
    from botocore.config import Config

    common = {
        "client_config": Config(
            connect_timeout=1,
            read_timeout=5,
            retries={"mode": "standard", "max_attempts": 1},
            signature_version="s3v4",
        ),
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": EXPIRE_SECONDS,
        "file_overwrite": False,
        "endpoint_url": endpoint,
        "access_key": KEY_ID,
        "secret_key": SECRET,
        "region_name": REGION,
    }
    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "bucket_name": PUBLIC_BUCKET, "location": "media"},
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "bucket_name": PRIVATE_BUCKET, "location": "private"},
        },
    }


@dataclass
class Store:
    server: object
    endpoint: str
    port: int

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
            region_name=REGION,
        )

    def keys(self, bucket):
        listed = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, bucket, key):
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()

    def stop(self):
        """The store goes away (its port then refuses connections)."""
        if self.server is not None:
            self.server.stop()
            self.server = None

    def start(self):
        """The store is back on its port, with what it held (moto keeps it in this process)."""
        from moto.server import ThreadedMotoServer

        if self.server is None:
            self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
            self.server.start()


@pytest.fixture(name="s3")
def s3_fixture(settings, tmp_path):
    server_module = pytest.importorskip(
        "moto.server", reason="moto[server] (requirements-dev.txt) is not installed"
    )
    port = _free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    store = Store(server, f"http://127.0.0.1:{port}", port)
    # moto keeps its buckets in this process, across servers: each test starts empty.
    reset = urllib.request.Request(f"{store.endpoint}/moto-api/reset", method="POST")  # noqa: S310
    urllib.request.urlopen(reset).close()  # noqa: S310 (our own server)
    try:
        for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
            store.client().create_bucket(Bucket=bucket)
        # Nothing may land on this machine's disk: the local folders point nowhere useful.
        settings.MEDIA_ROOT = tmp_path / "not-used-media"
        settings.STORAGES = storages_setting(settings, store.endpoint)
        yield store
    finally:
        store.stop()
