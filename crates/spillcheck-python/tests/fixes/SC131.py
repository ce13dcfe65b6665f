"""Settings."""
from flask import Flask
import psycopg2

app = Flask(__name__)
DB_PASSWORD = "Pg-s3cr3t-Pa55"
SETTINGS = {"password": "An0ther-Pa55word"}


def connect():
    return psycopg2.connect(host="127.0.0.1", user="app", password="Th1rd-Pa55word")
