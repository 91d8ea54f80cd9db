"""Users (citizens, business representatives, officials, system accounts), sign-in, sign-out, password
reset and lockout; later single sign-on and federation with the national e-ID plug in here.

It holds personal data (national ID number, tax code, phone) and must not decide what a user may see in
another block: roles come from ``agencies.services``, object permissions live in each block.
"""
