# The app in one container: `docker build -t nn-explainer .` then `docker run -p 8501:8501 nn-explainer`.
# A whole class is served by several of these behind a load balancer that keeps each browser on one
# container (deploy/kubernetes/ does it with ingress-nginx's cookie affinity; see README).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# PyTorch's CPU wheel index as an extra index: torch==2.13.0 resolves to the CPU build (no CUDA).
COPY requirements.txt ./
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu -r requirements.txt

COPY .streamlit/ .streamlit/
COPY app.py ./
COPY core/ core/
COPY ui/ ui/
COPY pages/ pages/
COPY locales/ locales/
COPY assets/ assets/

RUN useradd --create-home --uid 10001 --user-group app
USER 10001:10001

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

CMD ["python", "-m", "ui.serve", "app.py", "--server.address", "0.0.0.0", "--server.port", "8501"]
