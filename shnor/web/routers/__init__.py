"""The upload site's routers, one per concern: sign-in (``auth``), the region staff's views of a window
(``windows``), one municipality's intake (``intake``), one upload's verdict and files (``uploads``). Each builds a
``shnor.web.guards.Routes`` for one application's data home, settings and store."""
