"""Interactive components of ecnet_lab (imported as ``ecnet_lab.widgets``).

UI only: every widget calls the engine in :mod:`ecnet_lab`; the engine never imports
this package. The threshold sweep, live map layers and correlation heatmap land here
with the widgets issue.
"""
