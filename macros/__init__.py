"""Operations a button or a command runs: one function behind both."""
