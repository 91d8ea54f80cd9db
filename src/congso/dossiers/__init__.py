"""The one-stop dossier (hồ sơ một cửa): intake online and at the counter, the status machine of the 10
national statuses, statutory deadlines, the standard forms 01–07, results and the logbook.

It does not decide the steps inside "in processing" — the ``workflow`` block drives them and reports each
hand-over through ``dossiers.services`` — and it does not send messages: it publishes domain events.

Other blocks call ``services`` (the API), read ``Dossier.objects.visible_to(user)`` and ask
``permissions.can``; nothing outside this package writes its models. Inside: ``codes`` (dossier codes),
``states`` (the transition table), ``deadlines`` (appointments, pauses, timeliness, the deadline watch),
``files`` (upload checks and malware scanning), ``permissions``/``query`` (who may see and do what),
``conf`` (settings and their defaults).
"""
