from pmweb import create_app

app = create_app()
