#!/usr/bin/env bash
# Build Connector Designer's packages from a clean checkout, into dist/:
#
#   connector-designer-<version>-linux-x86_64.tar.gz   the frozen app folder (no Python needed)
#   connector-designer_<version>_amd64.deb             /opt/connector-designer + /usr/bin + desktop files
#   connector_designer-<version>-py3-none-any.whl      the wheel
#   connector_designer-<version>.tar.gz                the sdist
#
# Usage: packaging/build.sh            (from anywhere; needs python3 >= 3.11 with venv,
#                                       dpkg-deb, and the package registry for pip)
# Work files go to build/ (a venv with the app installed, PyInstaller's work folder and
# the staging trees); both build/ and dist/ are ignored by git.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

APP_ID="io.github.connectordesigner.ConnectorDesigner"
NAME="connector-designer"
PYTHON="${PYTHON:-python3}"
VERSION="$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
DATE="$(git log -1 --format=%cs 2>/dev/null || date -u +%F)"
BUILD="$ROOT/build"
DIST="$ROOT/dist"
step() { printf '\n== %s\n' "$*"; }

mkdir -p "$BUILD" "$DIST"

step "wheel and sdist ($VERSION)"
VENV="$BUILD/venv"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
fi
"$VENV/bin/pip" install -q "build>=1.2" "pyinstaller>=6.10" "setuptools>=77"
rm -f "$DIST"/connector_designer-*
# An isolated build fetches setuptools from the package index; without one, the
# venv's own setuptools builds the same files.
"$VENV/bin/python" -m build --outdir "$DIST" . >"$BUILD/build.log" 2>&1 \
    || "$VENV/bin/python" -m build --no-isolation --outdir "$DIST" . >>"$BUILD/build.log" 2>&1 \
    || { cat "$BUILD/build.log"; exit 1; }
ls "$DIST"/connector_designer-"$VERSION"*

step "frozen app (PyInstaller)"
# The app is installed from the wheel just built (not editable): PyInstaller then
# sees designer.resources and the dist-info metadata exactly as a user's install has them.
"$VENV/bin/pip" install -q --force-reinstall --no-deps "$DIST/connector_designer-$VERSION-py3-none-any.whl"
"$VENV/bin/pip" install -q "$DIST/connector_designer-$VERSION-py3-none-any.whl"
# PyInstaller runs from build/ so the source tree's designer/ (which lacks
# designer.resources) is not what it imports.
(cd "$BUILD" && "$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$BUILD/pyinstaller/dist" --workpath "$BUILD/pyinstaller/work" \
    "$ROOT/packaging/$NAME.spec")
APP="$BUILD/pyinstaller/dist/$NAME"
"$APP/$NAME" --version

step "desktop files"
SHARE="$BUILD/share"
rm -rf "$SHARE" && mkdir -p "$SHARE"/{applications,metainfo,mime/packages,icons/hicolor/scalable/apps}
cp "packaging/linux/$APP_ID.desktop" "$SHARE/applications/"
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$DATE/" \
    "packaging/linux/$APP_ID.metainfo.xml.in" >"$SHARE/metainfo/$APP_ID.metainfo.xml"
cp "packaging/linux/$APP_ID.mime.xml" "$SHARE/mime/packages/$APP_ID.xml"
cp "resources/icons/$APP_ID.svg" "$SHARE/icons/hicolor/scalable/apps/"
QT_QPA_PLATFORM=offscreen "$VENV/bin/python" packaging/linux/render_icons.py \
    "resources/icons/$APP_ID.svg" "$SHARE/icons/hicolor" 16 24 32 48 64 128 256 512

step "tarball"
TARDIR="$BUILD/tar/$NAME-$VERSION"
rm -rf "$BUILD/tar" && mkdir -p "$TARDIR"
cp -a "$APP/." "$TARDIR/"
cp -a "$SHARE" "$TARDIR/share"
TARBALL="$DIST/$NAME-$VERSION-linux-x86_64.tar.gz"
tar -C "$BUILD/tar" --owner=0 --group=0 -czf "$TARBALL" "$NAME-$VERSION"

step "Debian package"
DEB="$BUILD/deb"
rm -rf "$DEB" && mkdir -p "$DEB/DEBIAN" "$DEB/opt" "$DEB/usr/bin" "$DEB/usr/share/doc/$NAME"
cp -a "$APP" "$DEB/opt/$NAME"
cp -a "$SHARE/." "$DEB/usr/share/"
ln -s "/opt/$NAME/$NAME" "$DEB/usr/bin/$NAME"
{
    echo "Files: *"
    echo "License: MIT"
    echo "Comment: Connector Designer, with the Python runtime and the libraries it bundles"
    echo " (Qt and PySide6 under the LGPL-3.0, the others under their own licenses)."
} >"$DEB/usr/share/doc/$NAME/copyright"
SIZE_KB="$(du -sk --exclude=DEBIAN "$DEB" | cut -f1)"
sed -e "s/@VERSION@/$VERSION/" -e "s/@SIZE@/$SIZE_KB/" packaging/linux/control.in >"$DEB/DEBIAN/control"
chmod -R u=rwX,go=rX "$DEB"
DEBFILE="$DIST/${NAME}_${VERSION}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$DEB" "$DEBFILE" >/dev/null

step "done"
ls -l "$DIST"
