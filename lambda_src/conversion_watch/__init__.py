"""Plain logic of Conversion Watch: no Lambda or Step Functions types in here.

The one version of the distribution (``conversion-watch``); CHANGELOG.md tells what changed.
"""

__version__ = "0.2.0"
