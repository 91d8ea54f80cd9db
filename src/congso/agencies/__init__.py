"""Administrative units (đơn vị hành chính) with their history of mergers, agencies (cơ quan) in a tree with
their electronic identifier codes (mã định danh điện tử, QCVN 102:2016), and staff membership with roles.

It knows nothing of users' credentials, dossiers or procedures; other blocks ask it "which agencies and
roles does this person hold" through ``agencies.services``. Units are loaded from maintained datasets
(``loaders``, ``manage.py load_units``), never typed into code; ``demo`` seeds the Bình Dương demo.
"""
