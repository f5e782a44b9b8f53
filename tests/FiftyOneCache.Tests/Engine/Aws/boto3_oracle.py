"""What boto3 would use, for the S3 credential table test (S3ResolutionTableTests).

Reads a JSON list of cases from stdin, each {"env": {...}, "profile": "<explicit profile or null>"}: the whole
environment boto3 sees, and FiftyOne's aws_profile (passed as boto3.Session(profile_name=...)). Prints a JSON list:
per case the profile, access key id (never the secret), region, S3 endpoint and the scheme://host/path of a
presigned GET of s3://media/k (addressing style), or {"error": "<botocore exception class>"}.
"""
import json
import os
import sys

import boto3


def ask(case):
    os.environ.clear()
    os.environ.update(case["env"])
    try:
        session = boto3.Session(profile_name=case.get("profile") or None)
        creds = session.get_credentials()
        client = session.client("s3")
        url = client.generate_presigned_url("get_object", Params={"Bucket": "media", "Key": "k"})
        return {
            "profile": session.profile_name,
            "accessKey": creds.access_key if creds else None,
            "region": session.region_name,
            "endpoint": client.meta.endpoint_url,
            "presigned": url.split("?", 1)[0],
        }
    except Exception as e:  # the class name is the answer (ProfileNotFound, InvalidConfigError, ...)
        return {"error": type(e).__name__}


print(json.dumps([ask(c) for c in json.load(sys.stdin)]))
