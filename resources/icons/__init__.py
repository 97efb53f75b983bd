"""The application icon (SVG), for the window and the installers."""
