# Sigap worker image.
#   docker build -t sigap:latest .
#   docker run --rm -e SIGAP_BROKER=kafka://broker:9092 -p 6066:6066 sigap:latest          # a worker
#   docker run --rm -e SIGAP_BROKER=kafka://broker:9092 sigap:latest topics create         # any sub-command
# The trained models ship inside the package (streams/models/artifacts), so nothing is trained at build time.

ARG PYTHON_IMAGE=python:3.11-slim

# ---- build: a self-contained virtualenv in /opt/venv -------------------------------------------------------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src

# Dependencies first, from pyproject.toml alone, so that code changes do not re-download them.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep=chr(10))" \
        > /tmp/requirements.txt \
    && pip install -c constraints.txt -r /tmp/requirements.txt

COPY . .
# Smoke-test the CLI, and fail the build (not the pod) if the package was built without its model artifacts.
RUN pip install --no-deps . \
    && sigap --help > /dev/null \
    && python -c "import sys; from streams.settings import Settings; d = Settings().models_dir; sys.exit(0 if d.is_dir() and any(p.is_file() for p in d.rglob('*')) else f'no model artifacts in {d}')"

# ---- runtime ------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}

LABEL org.opencontainers.image.title="sigap" \
      org.opencontainers.image.description="Sigap stream processor (Faust workers on Apache Kafka)" \
      org.opencontainers.image.licenses="Apache-2.0"

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SIGAP_DATA_DIR=/var/lib/sigap \
    SIGAP_WEB_PORT=6066

RUN groupadd --system --gid 10001 sigap \
    && useradd --system --uid 10001 --gid sigap --home-dir /var/lib/sigap --no-create-home --shell /usr/sbin/nologin sigap \
    && mkdir -p /var/lib/sigap \
    && chown sigap:sigap /var/lib/sigap

COPY --from=build /opt/venv /opt/venv

USER 10001:10001
WORKDIR /var/lib/sigap
EXPOSE 6066

# Healthy once the worker can score (/ready: models and start-up claims loaded) for plain `docker run` and compose;
# Kubernetes uses its own probes (readiness on /ready, startup and liveness on /health).
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/ready' % os.environ.get('SIGAP_WEB_PORT', '6066'), timeout=4)"]

ENTRYPOINT ["sigap"]
CMD ["worker"]
