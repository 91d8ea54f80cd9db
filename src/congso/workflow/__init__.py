"""Business processes as BPMN 2.0 (SpiffWorkflow): process definitions and their versions, running
instances, user tasks in officers' inboxes, step deadlines and escalation (ISO điện tử), monitoring.

It never evaluates user-supplied Python: conditions use a small safe expression language and service tasks
call a registry of named platform actions. It changes dossiers only through ``dossiers.services``.
"""
