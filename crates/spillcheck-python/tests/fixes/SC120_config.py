DEBUG = True
SECRET_NAME = "notes"
