"""Shared by produce.py and consume.py: failing with the script's name, and the options that
locate a topic and its records (broker, registry, topic, record format)."""

import argparse
import os
import sys


def fail(message):
    print(f"{os.path.basename(sys.argv[0])}: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def topic_parser(doc):
    """An argument parser described by the first paragraph of `doc`, with the options every
    script needs: --bootstrap, --registry, --topic and --format."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers, HOST:PORT")
    parser.add_argument("--registry", required=True, help="schema registry URL")
    parser.add_argument("--topic", required=True)
    parser.add_argument("--format", required=True, choices=["avro", "protobuf", "json"])
    return parser
