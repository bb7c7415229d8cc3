"""The Cinder driver's suite (vdp.cinder), run against element-sim children with Debian's python3-cinder.

cinder-volume monkey-patches with eventlet before anything else is imported, and Cinder's test fakes
(cinder.tests.unit) do it on import too: patching after `ssl` is imported breaks TLS. So it happens
here, first, as in cinder-volume.
"""

import eventlet

eventlet.monkey_patch()
