from storyline.interfaces.cli import app

app()
