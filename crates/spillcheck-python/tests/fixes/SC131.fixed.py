"""Settings."""
import os
from flask import Flask
import psycopg2

app = Flask(__name__)
DB_PASSWORD = os.environ["DB_PASSWORD"]
SETTINGS = {"password": os.environ["PASSWORD"]}


def connect():
    return psycopg2.connect(host="127.0.0.1", user="app", password=os.environ["PASSWORD"])
