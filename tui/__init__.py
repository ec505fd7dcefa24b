"""What a person sees and presses: the command line and the terminal app."""
