"""``randcheck site build``: the office's public website (issue #10), a static folder.

:mod:`randcheck.site.data` reads what the site shows from the workspace (SQL, public columns
only), :mod:`randcheck.site.pages` renders the pages from ``randcheck/templates/site``,
:mod:`randcheck.site.feed` the Atom feed, :mod:`randcheck.site.zipper` the bundles' zips,
:mod:`randcheck.site.statspage` the statistics page's context, :mod:`randcheck.site.output`
writes the folder (only what changed) and :mod:`randcheck.site.build` runs them in order.
Nothing here imports typer or rich.
"""
