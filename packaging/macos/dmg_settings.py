"""dmgbuild settings: Connector Designer.app in a disk image, beside a link to /Applications.

    dmgbuild -s packaging/macos/dmg_settings.py -D app="dist/Connector Designer.app" \
        "Connector Designer" dist/connector-designer-<version>-macos.dmg

``defines`` (the -D values) and the settings names below are dmgbuild's.
"""

import os.path

defines = globals().get("defines", {})
application = defines.get("app", "dist/Connector Designer.app")
appname = os.path.basename(application)

format = "UDZO"
filesystem = "HFS+"
size = None  # computed from the contents
files = [application]
symlinks = {"Applications": "/Applications"}
badge_icon = "build/icons/connector-designer.icns"
icon_locations = {appname: (140, 120), "Applications": (500, 120)}
window_rect = ((200, 120), (640, 300))
default_view = "icon-view"
show_icon_preview = False
icon_size = 128
text_size = 14
