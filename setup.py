"""Description: builds the qsq Python package for pip (see pyproject.toml): the extension _qsq is
compiled by the project's own CMake (target qsq_python) in build-python/ (or $QSQ_BUILD_DIR), for
the interpreter running pip; the pure-Python part is python/qsq. Offline: nothing is downloaded.
Set QSQ_WITH_TORCH=ON to include qsq.quantize (libtorch).

Usage: /usr/bin/python3 -m pip install --no-index --no-build-isolation .
"""
import glob
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = os.environ.get("QSQ_BUILD_DIR", os.path.join(ROOT, "build-python"))
        subprocess.check_call([
            "cmake", "-S", ROOT, "-B", build_dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
            "-DQSQ_WITH_PYTHON=ON", f"-DPython3_EXECUTABLE={sys.executable}", "-DQSQ_WITH_HARDWARE=OFF",
            "-DQSQ_WITH_BENCH=OFF", "-DQSQ_WITH_TORCH=" + os.environ.get("QSQ_WITH_TORCH", "OFF")])
        jobs = os.environ.get("QSQ_JOBS", "1")  # shared machines: one job unless told otherwise
        subprocess.check_call(["cmake", "--build", build_dir, "--target", "qsq_python", "-j", jobs])
        built = glob.glob(os.path.join(build_dir, "python", "qsq", "_qsq*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one _qsq extension in {build_dir}/python/qsq, found {built}")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built[0], target)


setup(
    packages=["qsq"],
    package_dir={"qsq": "python/qsq"},
    ext_modules=[Extension("qsq._qsq", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
    # setuptools' own scratch space away from CMake's build/ directory.
    options={"build": {"build_base": "build-python/setuptools"}, "egg_info": {"egg_base": "build-python"}},
)
