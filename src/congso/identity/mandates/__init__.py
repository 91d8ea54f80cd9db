"""Acting on someone else's behalf: businesses (checked against the national business registry) and
their legal representatives, the mandates a legal representative grants and revokes (who may submit
which procedures for the business), and parents acting for their minor children (checked against the
national population database). ``identity.services.may_act_for`` is the one rule every block asks.

The registers are called over HTTP by ``registers`` (configured by settings; the sandbox simulators in
the demo). Pages live in the portal's account area; the rules stay here.
"""
