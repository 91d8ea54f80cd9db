"""Fee payment of dossiers (issue 13): payment intents, the provider plugin registry (VNPAY-style redirect
+ HMAC-SHA512 + IPN, and the DVCQG payment platform), verified provider notifications, e-receipts,
refunds with approval, daily reconciliation with the providers' statements, electronic results with a
public verification page, and the online-payment share (Decision 766).

Only a verified server-to-server notification or a status query marks an intent paid; the browser's
return never decides. It moves dossiers only through ``dossiers.services`` (``record_payment`` with
``confirmed_by_provider``) and never imports ``workflow`` or ``portal``.
"""
