"""The wheel carries the content: an installed `study` finds it without the repo."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import REPO


def host_site_packages() -> list[str]:
    """Where this interpreter's packages are: the venv's when run in one, else the system's.
    A path in a .pth file is searched, but its own .pth files (an editable install of
    study) are not run: `study` comes from the wheel."""
    import site
    import sysconfig

    paths = sysconfig.get_paths()
    found = [paths["purelib"], paths["platlib"], *site.getsitepackages()]
    if site.ENABLE_USER_SITE:
        found.append(site.getusersitepackages())
    return list(dict.fromkeys(p for p in found if Path(p).is_dir()))


@pytest.mark.slow
def test_wheel_installs_and_checks_its_bundled_content(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(dist), str(REPO)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    wheel = next(dist.glob("study-*.whl"))
    # A venv that sees the dependencies already installed here (no downloads), with the
    # wheel installed into the venv itself. Not `system_site_packages`: run from inside a
    # venv, that is the base interpreter's site-packages, where nothing is installed.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    venv_site = Path(subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    (venv_site / "_host_packages.pth").write_text("\n".join(host_site_packages()) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q",
         str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    run_dir = tmp_path / "elsewhere"
    run_dir.mkdir()
    env = {"PATH": f"{env_dir / 'bin'}:/usr/bin:/bin", "STUDY_HOME": str(tmp_path / "home"),
           "HOME": str(tmp_path)}
    where = subprocess.run(
        [str(py), "-c", "import study, study.paths as p; print(study.__file__); "
         "print(p.bundled_root())"],
        cwd=run_dir, env=env, capture_output=True, text=True, check=True,
    ).stdout.split()
    site = str(env_dir)
    assert where[0].startswith(site), f"study imported from {where[0]}, not the venv"
    assert where[1].startswith(site) and where[1].endswith("_bundled")
    check = subprocess.run([str(env_dir / "bin" / "study"), "content", "check"], cwd=run_dir,
                           env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.startswith("ok: ")
    # The same counts as the source tree's content.
    here = subprocess.run([sys.executable, "-m", "study", "content", "check"],
                          capture_output=True, text=True, env=env | {"PATH": "/usr/bin:/bin"})
    assert check.stdout == here.stdout
    # The app's stylesheet travels with it: the installed app opens and draws its dashboard.
    script = (
        "import asyncio\n"
        "from study.tui.app import create_app\n"
        "async def main():\n"
        "    app = create_app()\n"
        "    async with app.run_test(size=(100, 30)) as pilot:\n"
        "        for _ in range(300):\n"
        "            try: await app.workers.wait_for_complete()\n"
        "            except Exception: pass\n"
        "            await pilot.pause()\n"
        "            if getattr(app.screen, 'loaded', False): break\n"
        "            await asyncio.sleep(0.02)\n"
        "        print(type(app.screen).__name__, app.screen.loaded)\n"
        "asyncio.run(main())\n"
    )
    tui = subprocess.run([str(py), "-c", script], cwd=run_dir, env=env, capture_output=True,
                         text=True, timeout=120)
    assert tui.stdout.strip() == "DashboardScreen True", tui.stdout + tui.stderr
    # An installed kata is judged the same way, and the sandbox cannot reach the bundled
    # checker or reference solution inside the installed package.
    bundled = Path(where[1]) / "exercises" / "softmax"
    before = {p.name: p.read_bytes() for p in bundled.iterdir() if p.is_file()}
    hostile = run_dir / "hostile.py"
    hostile.write_text(
        "import torch\n"
        "def softmax(x, dim=-1):\n"
        f"    try:\n        open({str(bundled / 'check.py')!r}, 'a').write('#')\n"
        "    except OSError:\n        pass\n"
        f"    ns = {{}}\n    exec(open({str(bundled / 'solution.py')!r}).read(), ns)\n"
        "    return ns['softmax'](x, dim)\n")
    kata_env = env | {"STUDY_KATA_DEVICE": "cpu"}
    study_bin = str(env_dir / "bin" / "study")
    out = subprocess.run([study_bin, "kata", "check", "softmax", "--solution", str(hostile),
                          "--json"], cwd=run_dir, env=kata_env, capture_output=True, text=True,
                         timeout=300)
    try:
        import json

        data = json.loads(out.stdout)
        refused = json.dumps(data["tests"])
        assert data["status"] == "fail" and "solution.py" in refused and (
            "not available to a kata solution" in refused or "Permission denied" in refused), data
        assert {p.name: p.read_bytes() for p in bundled.iterdir() if p.is_file()} == before
        good = subprocess.run([study_bin, "kata", "check", "softmax", "--solution",
                               str(bundled / "solution.py")], cwd=run_dir, env=kata_env,
                              capture_output=True, text=True, timeout=300)
        assert good.returncode == 0, good.stdout + good.stderr
    finally:
        subprocess.run([study_bin, "kata", "stop"], env=kata_env, capture_output=True,
                       timeout=60)
