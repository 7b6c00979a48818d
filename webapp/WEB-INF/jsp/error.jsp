<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<c:set var="status" value="${requestScope['jakarta.servlet.error.status_code']}"/>
<c:choose>
  <c:when test="${status == 503 && requestScope['jakarta.servlet.error.message'] == 'The session store is full'}">
    <c:set var="title" value="Sign-ins are paused"/>
    <c:set var="message" value="The session store is full. If you are signed in, your pages still work; new sign-ins and changes wait until there is room again."/>
  </c:when>
  <c:when test="${status == 503}">
    <c:set var="title" value="Temporarily unavailable"/>
    <c:set var="message" value="We cannot reach the session store right now. Nothing you did was lost; please try again in a moment."/>
  </c:when>
  <c:when test="${status == 404}">
    <c:set var="title" value="Page not found"/>
    <c:set var="message" value="There is nothing at this address."/>
  </c:when>
  <c:when test="${status >= 400 && status < 500}">
    <c:set var="title" value="That request could not be handled"/>
    <c:set var="message" value="${requestScope['jakarta.servlet.error.message']}"/>
  </c:when>
  <c:otherwise>
    <c:set var="title" value="Something went wrong"/>
    <c:set var="message" value="The server could not answer this request. Please try again."/>
  </c:otherwise>
</c:choose>
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title><c:out value="${title}"/> · session-store</title>
  <link rel="stylesheet" href="${pageContext.request.contextPath}/style.css">
</head>
<body>
  <div class="brand"><span class="brand-mark" aria-hidden="true"></span>session-store</div>
  <main class="card">
    <h1><c:out value="${title}"/></h1>
    <p class="lead" role="alert"><c:out value="${message}"/></p>
    <c:choose>
      <c:when test="${not empty requestScope.formPage}">
        <p class="hint">Error <c:out value="${status}"/> · <a href="${pageContext.request.contextPath}${requestScope.formPage}">Open the page again</a></p>
      </c:when>
      <c:otherwise>
        <p class="hint">Error <c:out value="${status}"/> · <a href="${pageContext.request.contextPath}/login">Go to the sign-in page</a></p>
      </c:otherwise>
    </c:choose>
  </main>
</body>
</html>
