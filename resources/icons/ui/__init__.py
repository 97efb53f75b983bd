"""The icons of menus, toolbars and buttons (SVG, from Lucide; see README.md)."""
