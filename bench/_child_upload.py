"""One upload of one big file, by one tool, in a process of its own (so its peak RSS is its own).

    python bench/_child_upload.py ours|frictionless ENV_FILE FILE
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402


def main() -> int:
    tool, env_file, file = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    env = c.load_env(env_file)
    with tempfile.TemporaryDirectory(prefix="odp-bench-up-", dir=file.parent) as tmp:
        root = Path(tmp)
        name = f"bench-{tool}-" + uuid.uuid4().hex[:8]
        pkg = c.write_package(root, name, {"big": file})
        if tool == "ours":
            from opendata_pub.actions import publish
            from opendata_pub.config import parse_config
            from opendata_pub.portals import CkanTarget

            settings = parse_config({"catalog": {"title": "bench"}, "publishers": [
                {"code": "132217", "name": "清瀬市", "organization": env["CKAN_ORGANIZATION"]}]}, root=root)
            target = CkanTarget(env["CKAN_URL"], token=env["CKAN_API_TOKEN"], settings=settings,
                                session_factory=c.session_factory)
            _, result = publish([pkg], target, settings=settings, validate=False)
            if not result.ok:
                print(result.to_dict(), file=sys.stderr)
                return 1
        else:
            from frictionless import Package
            from frictionless.portals import CkanControl

            Package(str(pkg / "datapackage.yaml")).publish(control=CkanControl(
                baseurl=env["CKAN_URL"], apikey=env["CKAN_API_TOKEN"], organization_name=env["CKAN_ORGANIZATION"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
