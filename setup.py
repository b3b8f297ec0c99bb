# SPDX-License-Identifier: LGPL-3.0-or-later OR GPL-2.0-or-later
"""The C extension vmmap._vmmap (plugin/python/vmmapmodule.c), compiled
and linked with what `pkg-config libvmmap` says: the libvmmap installed
by `make install` (set PKG_CONFIG_PATH for another prefix). The rest of
the package is in pyproject.toml; the version is configure.ac's."""
import os
import re
import shlex
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

here = os.path.dirname(os.path.abspath(__file__))


def version():
    with open(os.path.join(here, "configure.ac")) as f:
        return re.search(r"AC_INIT\(\[vmmap\], \[([^]]+)\]", f.read()).group(1)


def pkg_config(*args):
    try:
        p = subprocess.run(["pkg-config"] + list(args) + ["libvmmap"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
    except OSError as e:
        raise SystemExit("vmmap: cannot run pkg-config (%s): install pkg-config" % e)
    if p.returncode != 0:
        raise SystemExit("vmmap: pkg-config finds no libvmmap (%s): install libvmmap first "
                         "(make install), or set PKG_CONFIG_PATH to the directory of its "
                         "libvmmap.pc" % p.stderr.strip())
    return shlex.split(p.stdout)


class build_ext_pkg_config(build_ext):
    """The flags are asked for at build time only, so that metadata and
    an sdist need no libvmmap."""

    def build_extensions(self):
        cflags, libs = pkg_config("--cflags"), pkg_config("--libs")
        for ext in self.extensions:
            ext.extra_compile_args = cflags + ext.extra_compile_args
            ext.extra_link_args = libs + ext.extra_link_args
        super().build_extensions()


setup(
    version=version(),
    ext_modules=[Extension("vmmap._vmmap", ["plugin/python/vmmapmodule.c"],
                           define_macros=[("_GNU_SOURCE", None)])],
    cmdclass={"build_ext": build_ext_pkg_config},
    # setuptools' own build tree, apart from an autotools build in build/
    options={"build": {"build_base": "build/python"}},
)
