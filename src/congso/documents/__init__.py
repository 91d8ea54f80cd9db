"""Official documents (văn bản) under Decree 30/2020: the agencies' incoming and outgoing registers and
their yearly gap-free numbers, registration, assignment and handling of incoming documents, drafting,
approval, signing (PAdES through signature providers), issuing and dispatch of outgoing ones, edXML
packages, and the verification of signed PDFs.

Only ``documents.services`` writes these rows. It reaches dossiers, agencies and identity through their
services and answers ``workflow.document_requested`` through an outbox subscriber; it never imports
``workflow`` or ``portal``.
"""
