#!/usr/bin/env python3
"""Makes a one-layer OCI image archive from a directory, offline and reproducibly.

usage: mkimage.py ROOTFS NAME:TAG OUT.tar [--entrypoint a,b] [--cmd a,b] [--user uid:gid] [--env K=V]

There is no registry to pull from here, so the cluster's images (pause, CoreDNS, busybox) are made
from files on disk and imported with `ctr -n k8s.io images import`. The archive is an OCI layout
that also carries Docker's manifest.json, which ctr accepts either way. Timestamps and owners
are zeroed, so the same directory always gives the same digest.
"""
import argparse
import hashlib
import io
import json
import os
import tarfile

ap = argparse.ArgumentParser()
ap.add_argument("rootfs")
ap.add_argument("ref")
ap.add_argument("out")
ap.add_argument("--entrypoint", default="")
ap.add_argument("--cmd", default="")
ap.add_argument("--user", default="")
ap.add_argument("--env", action="append", default=[])
args = ap.parse_args()


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def blob_path(d: str) -> str:
    return "blobs/sha256/" + d.split(":", 1)[1]


# The layer: an uncompressed tar of the directory, walked in sorted order.
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
    for root, dirs, files in os.walk(args.rootfs):
        dirs.sort()
        for name in sorted(dirs + files):
            path = os.path.join(root, name)
            info = tar.gettarinfo(path, os.path.relpath(path, args.rootfs))
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            if info.isfile():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
layer = buf.getvalue()

config = {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", *args.env]}
if args.entrypoint:
    config["Entrypoint"] = args.entrypoint.split(",")
if args.cmd:
    config["Cmd"] = args.cmd.split(",")
if args.user:
    config["User"] = args.user
image_config = json.dumps(
    {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": [digest(layer)]},
        "history": [{"created_by": "scripts/k8s/cluster/mkimage.py"}],
    },
    sort_keys=True,
).encode()
manifest = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": digest(image_config),
            "size": len(image_config),
        },
        "layers": [
            {"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest(layer), "size": len(layer)}
        ],
    },
    sort_keys=True,
).encode()
tag = args.ref.rsplit(":", 1)[1]
index = {
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [
        {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": digest(manifest),
            "size": len(manifest),
            "platform": {"architecture": "amd64", "os": "linux"},
            "annotations": {"io.containerd.image.name": args.ref, "org.opencontainers.image.ref.name": tag},
        }
    ],
}
docker_manifest = [
    {"Config": blob_path(digest(image_config)), "RepoTags": [args.ref], "Layers": [blob_path(digest(layer))]}
]

with tarfile.open(args.out, "w") as out:

    def add(name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime = len(data), 0
        out.addfile(info, io.BytesIO(data))

    add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    add("index.json", json.dumps(index).encode())
    add("manifest.json", json.dumps(docker_manifest).encode())
    for data in (layer, image_config, manifest):
        add(blob_path(digest(data)), data)
print(args.ref, digest(manifest))
