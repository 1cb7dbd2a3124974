"""Authors: sign up, log in, log out, and the local author of a studio on 127.0.0.1."""
