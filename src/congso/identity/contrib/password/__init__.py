"""Sign in with a user name (or national ID number) and a password: the first sign-in method plugin."""
