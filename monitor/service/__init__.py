"""The long-running service: the daemon behind ``monitor run`` (``daemon``) and the
health checks of ``monitor doctor`` (``doctor``)."""
